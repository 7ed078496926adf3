import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main as verifyCli } from '../src/cli/verify';
import { freshIncident, killed } from './support/fixtures';
import { removeDir, RunningLedger, startLedger, describeOnEmbeddedFile } from './support/ledger';

// Tampering with the embedded store's file directly, as someone with disk access would, and what catches
// it: GET /audit/verify, the verify CLI (npm run verify) and tools/verify.mjs for a changed byte; the saved
// signed heads (tools/verify.mjs --heads) for a stream cut short or rewritten wholesale.

const ROOT = join(__dirname, '..');

const runTool = (args: string[]): Promise<{ code: number; out: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'tools', 'verify.mjs'), ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out: stdout + stderr });
    });
  });

const runCli = async (dataDir: string): Promise<{ code: number; out: string }> => {
  const lines: string[] = [];
  const code = await verifyCli([dataDir], (line) => lines.push(line));
  return { code, out: lines.join('\n') };
};

const sha256 = (text: string) => createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');

/** A ledger with two incidents with events; the first has `n` events. */
async function seeded(n = 6): Promise<{ ledger: RunningLedger; stream: string; other: string }> {
  const ledger = await startLedger();
  const { incidentId, sourceId } = await freshIncident(ledger);
  const { incidentId: otherId } = await freshIncident(ledger);
  const batch = Array.from({ length: n }, (_, i) => killed(sourceId, 10 + i));
  expect((await ledger.call('POST', `/incidents/${incidentId}/events`, { events: batch })).status).toBe(201);
  expect((await ledger.call('POST', `/incidents/${otherId}/events`, { events: [killed(sourceId, 1), killed(sourceId, 2)] })).status).toBe(201);
  return { ledger, stream: `incident-${incidentId}`, other: `incident-${otherId}` };
}

/** Changes the file with the server stopped, then starts it again on the same directory. */
async function tamper(ledger: RunningLedger, change: (db: Database.Database) => void): Promise<RunningLedger> {
  await ledger.stop();
  const db = new Database(join(ledger.dataDir, 'events.db'));
  try {
    change(db);
  } finally {
    db.close();
  }
  return startLedger({ dataDir: ledger.dataDir });
}

describeOnEmbeddedFile('one byte of one payload changed in the file', () => {
  let ledger: RunningLedger;
  let stream: string;

  beforeAll(async () => {
    ({ ledger, stream } = await seeded());
  });

  afterAll(async () => {
    await ledger.stop();
    removeDir(ledger.dataDir);
  });

  it('is found by /audit/verify, the CLI and tools/verify.mjs, each naming the stream and revision', async () => {
    // Whole before.
    expect((await ledger.call('GET', '/audit/verify')).json).toMatchObject({ ok: true, broken: [] });
    expect(await runCli(ledger.dataDir)).toMatchObject({ code: 0 });
    expect(await runTool([ledger.url])).toMatchObject({ code: 0 });

    ledger = await tamper(ledger, (db) => {
      const row = db.prepare<[string], { json: string; hash: string }>('SELECT json, hash FROM events WHERE stream = ? AND revision = 3').get(stream)!;
      expect(row.json).toContain('"best":13');
      const changed = row.json.replace('"best":13', '"best":18');
      expect(Buffer.from(changed).length).toBe(Buffer.from(row.json).length);
      expect([...Buffer.from(changed)].filter((b, i) => b !== Buffer.from(row.json)[i])).toHaveLength(1);
      expect(sha256(changed)).not.toBe(row.hash);
      db.prepare('UPDATE events SET json = ? WHERE stream = ? AND revision = 3').run(changed, stream);
    });

    const verify = await ledger.call('GET', '/audit/verify');
    expect(verify.status).toBe(200);
    expect(verify.json.ok).toBe(false);
    expect(verify.json.broken).toEqual([{ stream, revision: 3, position: expect.any(Number), reason: expect.stringContaining('SHA-256') }]);
    expect(verify.json.checked).toBe(2 + 2 + 6 + 2);

    const cli = await runCli(ledger.dataDir);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`BROKEN stream ${stream} revision 3 `);
    expect(cli.out.match(/BROKEN/g)).toHaveLength(1);

    const tool = await runTool([ledger.url]);
    expect(tool.code).toBe(1);
    expect(tool.out).toContain(`BROKEN stream ${stream} revision 3:`);
    expect(tool.out.match(/BROKEN/g)).toHaveLength(1);
  }, 60_000);

  it('and the CLI says so for a data directory with no log', async () => {
    expect((await runCli(join(ledger.dataDir, 'nowhere'))).code).toBe(2);
  });
});

describeOnEmbeddedFile('a stream cut short, or rewritten whole, in the file', () => {
  let ledger: RunningLedger;
  let stream: string;
  let other: string;
  let savedFile: string;

  beforeEach(async () => {
    ({ ledger, stream, other } = await seeded());
    const heads = await ledger.call('GET', '/audit/heads');
    expect(heads.json.streams).toContainEqual(expect.objectContaining({ stream, revision: 5 }));
    savedFile = join(ledger.dataDir, 'saved-heads.json');
    writeFileSync(savedFile, heads.text);
    expect(await runTool([ledger.url, '--heads', savedFile])).toMatchObject({ code: 0 });
  });

  afterEach(async () => {
    await ledger.stop();
    removeDir(ledger.dataDir);
  });

  it('is caught by the saved heads, though every chain left is whole', async () => {
    ledger = await tamper(ledger, (db) => {
      expect(db.prepare('DELETE FROM events WHERE stream = ? AND revision >= 4').run(stream).changes).toBe(2);
    });
    // Nothing inside the log shows it...
    expect((await ledger.call('GET', '/audit/verify')).json).toMatchObject({ ok: true, broken: [] });
    expect(await runCli(ledger.dataDir)).toMatchObject({ code: 0 });
    expect(await runTool([ledger.url])).toMatchObject({ code: 0 });
    // ...but the heads the auditor kept do.
    const { code, out } = await runTool([ledger.url, '--heads', savedFile]);
    expect(code).toBe(1);
    expect(out).toContain(`BROKEN stream ${stream} revision 5: saved heads`);
    expect(out).toMatch(/cut off/);
    expect(out).not.toContain(`stream ${other}`);
  }, 60_000);

  it('is caught by the saved heads when the tail is rewritten with hashes that chain', async () => {
    ledger = await tamper(ledger, (db) => {
      // A forger who recomputes every hash from revision 2 on: each chain holds, the heads differ.
      const rows = db.prepare<[string], { position: number; json: string; hash: string; revision: number }>('SELECT position, json, hash, revision FROM events WHERE stream = ? ORDER BY revision').all(stream);
      let prev = rows[1].hash;
      for (const row of rows.slice(2)) {
        const event = JSON.parse(row.json);
        event.prevHash = prev;
        if (row.revision === 2) event.data.figure.best = 99;
        const keys = (v: any): any => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, keys(v[k])])) : v);
        const json = JSON.stringify(keys(event));
        prev = sha256(json);
        db.prepare('UPDATE events SET json = ?, hash = ? WHERE position = ?').run(json, prev, row.position);
      }
    });
    expect((await ledger.call('GET', '/audit/verify')).json).toMatchObject({ ok: true });
    expect(await runTool([ledger.url])).toMatchObject({ code: 0 });
    const { code, out } = await runTool([ledger.url, '--heads', savedFile]);
    expect(code).toBe(1);
    expect(out).toContain(`BROKEN stream ${stream} revision 5: saved heads`);
    expect(out).toMatch(/rewritten/);
  }, 60_000);
});
