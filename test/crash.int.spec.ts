import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENESIS_HASH } from '../src/core/event-store/event-store';
import { SqliteEventStore } from '../src/core/event-store/sqlite-event-store';
import { jcs, sha256Hex } from './support/jcs';

// A writer process is killed (SIGKILL) in the middle of its appends; every append it had been told
// was stored must be there afterwards, with every stream's chain intact and no gap in the positions.
describe('the embedded store after a crash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([1, 2, 3])('keeps every acknowledged event (run %i)', async (run) => {
    const file = join(dir, `events-${run}.db`);
    const acknowledged: string[] = [];
    const writer = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'support', 'crash-writer.ts'), file], {
      cwd: join(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    const killAfter = 100 + run * 150;
    await new Promise<void>((resolve) => {
      writer.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        acknowledged.push(...lines);
        if (acknowledged.length >= killAfter) writer.kill('SIGKILL');
      });
      writer.on('exit', () => resolve());
    });
    expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);

    const store = new SqliteEventStore(file);
    try {
      const all = await store.readAll();
      const ids = new Set(all.map((e) => e.id));
      expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
      expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i + 1));
      for (const stream of new Set(all.map((e) => e.stream))) {
        let prev = GENESIS_HASH;
        for (const [revision, e] of (await store.readStream(stream)).entries()) {
          expect([e.revision, e.prevHash, e.hash]).toEqual([revision, prev, sha256Hex(jcs(e.event))]);
          prev = e.hash;
        }
      }
    } finally {
      await store.close();
    }
  }, 60_000);
});
