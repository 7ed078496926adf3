import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { useLedger } from './support/ledger';

// The worked example of the projection rules in ../shared/conformance, run against a live server.
const CHECK = resolve(__dirname, '..', '..', 'shared', 'conformance', 'check.mjs');

describe('shared/conformance/check.mjs against a live server', () => {
  const ledger = useLedger();

  it('passes every check', async () => {
    expect(existsSync(CHECK)).toBe(true);
    const { stdout } = await promisify(execFile)(process.execPath, [CHECK, ledger().url], { timeout: 60_000 });
    const summary = stdout.trim().split('\n').pop();
    expect(summary).toMatch(/^\d+ passed, 0 failed$/);
    expect(Number(summary!.split(' ')[0])).toBeGreaterThan(30);
  });
});
