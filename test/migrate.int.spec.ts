import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as migrateCli } from '../src/cli/migrate';
import { EventStore, RecordedEvent } from '../src/core/event-store/event-store';
import { SqliteEventStore } from '../src/core/event-store/sqlite-event-store';
import { checkCopy } from '../src/migration/final-check';
import { migrate } from '../src/migration/migration';
import { TargetNotACopy } from '../src/migration/resume-point';
import { ProtocolStandIn, startProtocolStandIn } from './support/kurrentdb-stand-in/stand-in';
import { openEventStore } from '../src/store/open-event-store';
import { ProtocolStandIn, startProtocolStandIn } from './support/kurrentdb-stand-in/stand-in';
import { jcs, sha256Hex } from './support/jcs';
import { removeDir, startLedger } from './support/ledger';

// npm run migrate: copying the Kazakhstan data set's log from the embedded store to another log, on real
// stores in temporary directories. The chains are checked with the test's own SHA-256 and RFC 8785
// canonicaliser, not the production walker.

const ZEROS = '0'.repeat(64);
const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-migrate-'));
  dirs.push(dir);
  return dir;
};

/** The data set's log, loaded once by a real server (started, ready, stopped). */
let loaded: string;

beforeAll(async () => {
  const ledger = await startLedger({ datasets: 'kazakhstan-2022' });
  dirs.push(ledger.dataDir);
  try {
    while ((await ledger.call('GET', '/health/ready')).status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    await ledger.stop();
  }
  loaded = ledger.dataDir;
}, 60_000);

afterAll(() => dirs.forEach(removeDir));

/** A data directory of its own holding a copy of the loaded log (each test may change it). */
function sourceDir(): string {
  const dir = tempDir();
  for (const file of readdirSync(loaded).filter((f) => f.startsWith('events.db'))) copyFileSync(join(loaded, file), join(dir, file));
  return dir;
}

const open = (dir: string): SqliteEventStore => new SqliteEventStore(join(dir, 'events.db'));

async function everyEvent(store: EventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (let after = 0; ;) {
    const page = await store.readAll({ after, limit: 100 });
    if (page.length === 0) return all;
    all.push(...page);
    after = page[page.length - 1].position;
  }
}

/** The fields a copy keeps exactly (not the position, which the target hands out). */
const kept = (e: RecordedEvent) => ({
  id: e.id, type: e.type, stream: e.stream, revision: e.revision, json: e.json, hash: e.hash, prevHash: e.prevHash, recordedAt: e.recordedAt, append: e.append,
});

/** The test's own check of every chain: canonical JSON, its SHA-256, consecutive revisions, prevHash links. */
function chainsHold(events: RecordedEvent[]): Map<string, { revision: number; hash: string }> {
  const last = new Map<string, { revision: number; hash: string }>();
  for (const e of events) {
    const parsed = JSON.parse(e.json);
    expect(jcs(parsed)).toBe(e.json);
    expect(sha256Hex(e.json)).toBe(e.hash);
    const previous = last.get(e.stream);
    expect(parsed.revision).toBe(e.revision);
    expect(e.revision).toBe(previous ? previous.revision + 1 : 0);
    expect(parsed.prevHash).toBe(previous ? previous.hash : ZEROS);
    last.set(e.stream, { revision: e.revision, hash: e.hash });
  }
  return last;
}

/** The target holds exactly one copy of every event of the source, in source order, every chain holding, heads equal. */
async function expectExactCopy(source: EventStore, target: EventStore): Promise<void> {
  const from = await everyEvent(source);
  const to = await everyEvent(target);
  expect(to.map(kept)).toEqual(from.map(kept));
  const heads = chainsHold(to);
  expect(heads).toEqual(chainsHold(from));
  for (const [stream, head] of heads) {
    const [s, t] = [await source.streamHead(stream), await target.streamHead(stream)];
    expect({ revision: t!.revision, hash: t!.hash }).toEqual(head);
    expect({ revision: s!.revision, hash: s!.hash }).toEqual(head);
  }
}

async function withStores<T>(fromDir: string, toDir: string, run: (source: SqliteEventStore, target: SqliteEventStore) => Promise<T>): Promise<T> {
  const [source, target] = [open(fromDir), open(toDir)];
  try {
    return await run(source, target);
  } finally {
    await source.close();
    await target.close();
  }
}

const cli = async (args: string[], io: Parameters<typeof migrateCli>[2] = {}): Promise<{ code: number; out: string }> => {
  const lines: string[] = [];
  const code = await migrateCli(args, (line) => lines.push(line), { tty: false, ...io });
  return { code, out: lines.join('\n') };
};

describe('migrating the Kazakhstan data set to an empty embedded target', () => {
  it('copies every event exactly (JSON, hash, revision, prevHash, append identity), every chain holds, heads equal', async () => {
    const [from, to] = [sourceDir(), tempDir()];
    await withStores(from, to, async (source, target) => {
      const events = await everyEvent(source);
      expect(events.length).toBeGreaterThan(74); // the data set's events, its sources and the registrations
      const appends = new Set(events.map((e) => e.append.id)).size;
      const progress: number[] = [];
      const report = await migrate(source, target, { pageSize: 7, onProgress: (p) => progress.push(p.copiedEvents) });
      expect(report).toMatchObject({ outcome: 'done', copiedEvents: events.length, copiedAppends: appends, skippedEvents: 0, total: events.length });
      expect(progress).toHaveLength(appends);
      expect(progress.at(-1)).toBe(events.length);
      await expectExactCopy(source, target);
      expect(await checkCopy(source, target, report.upTo)).toMatchObject({ ok: true, checked: events.length, broken: [], differences: [] });
    });
  });

  it('re-running a finished migration copies nothing', async () => {
    const [from, to] = [sourceDir(), tempDir()];
    await withStores(from, to, async (source, target) => {
      await migrate(source, target);
      const head = await target.headPosition();
      const again = await migrate(source, target);
      expect(again).toMatchObject({ outcome: 'done', copiedEvents: 0, copiedAppends: 0, skippedEvents: 0, total: 0 });
      expect(again.plan.resume.last).not.toBeNull();
      expect(await target.headPosition()).toBe(head);
      await expectExactCopy(source, target);
    });
  });
});

describe('an interrupted migration', () => {
  it('resumes where it stopped, run after run (stopAfter 2 appends), ending with exactly one copy of every event', async () => {
    const [from, to] = [sourceDir(), tempDir()];
    let runs = 0;
    let copied = 0;
    for (;;) {
      // A new process each time: the stores are opened again, nothing is remembered but the target.
      const report = await withStores(from, to, (source, target) => migrate(source, target, { stopAfter: 2, pageSize: 5 }));
      runs += 1;
      copied += report.copiedEvents;
      expect(report.skippedEvents).toBe(0);
      if (report.outcome === 'done') break;
      expect(report).toMatchObject({ outcome: 'stopped', copiedAppends: 2 });
      expect(runs).toBeLessThan(100);
    }
    await withStores(from, to, async (source, target) => {
      const events = await everyEvent(source);
      expect(runs).toBe(Math.ceil(new Set(events.map((e) => e.append.id)).size / 2));
      expect(copied).toBe(events.length);
      await expectExactCopy(source, target);
    });
  });

  it('resumes from every place it can stop', async () => {
    const from = sourceDir();
    const appends = await withStores(from, tempDir(), async (source) => new Set((await everyEvent(source)).map((e) => e.append.id)).size);
    expect(appends).toBeGreaterThan(2);
    for (let n = 1; n < appends; n += 1) {
      const to = tempDir();
      await withStores(from, to, async (source, target) => {
        const first = await migrate(source, target, { stopAfter: n });
        expect(first).toMatchObject({ outcome: 'stopped', copiedAppends: n });
        const second = await migrate(source, target);
        expect(second).toMatchObject({ outcome: 'done', copiedAppends: appends - n, skippedAppends: 0 });
        expect(second.plan.resume.last?.sourcePosition).toBe(first.position);
        await expectExactCopy(source, target);
      });
    }
  });

  it('stops between appends when its signal is aborted, and the next run carries on', async () => {
    const [from, to] = [sourceDir(), tempDir()];
    await withStores(from, to, async (source, target) => {
      const controller = new AbortController();
      const first = await migrate(source, target, { signal: controller.signal, onProgress: (p) => p.copiedAppends === 3 && controller.abort() });
      expect(first).toMatchObject({ outcome: 'stopped', copiedAppends: 3 });
      const second = await migrate(source, target);
      expect(second.outcome).toBe('done');
      expect(second.plan.resume.last?.sourcePosition).toBe(first.position);
      expect(first.copiedEvents + second.copiedEvents).toBe((await everyEvent(source)).length);
      await expectExactCopy(source, target);
    });
  });
});

describe('the cost of resuming a large log', () => {
  /** The target, counting the events it hands out (reads of its log, not of its stream heads). */
  const counting = (store: EventStore, read: { events: number }): EventStore => ({
    appendToStream: (stream, events, options) => store.appendToStream(stream, events, options),
    importAppend: (stream, events) => store.importAppend(stream, events),
    readStream: async (stream, options) => {
      const events = await store.readStream(stream, options);
      read.events += events.length;
      return events;
    },
    readAll: async (options) => {
      const events = await store.readAll(options);
      read.events += events.length;
      return events;
    },
    subscribe: (after, handler) => store.subscribe(after, handler),
    streamHead: (stream) => store.streamHead(stream),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
  });

  it('finds the same place by reading forward when the source refuses a read from between two events', async () => {
    const [from, to] = [sourceDir(), tempDir()];
    await withStores(from, to, async (source, target) => {
      // Like a server that only starts a read at an event's position: the bisection's probes fail.
      const strict: EventStore = Object.assign(Object.create(source) as EventStore, {
        readAll: (options: { after?: number; limit?: number; upTo?: number } = {}) =>
          options.limit === 1 && (options.after ?? 0) > 0 ? Promise.reject(new Error('not a position in the log')) : source.readAll(options),
      });
      const first = await migrate(source, target, { stopAfter: 3 });
      const second = await migrate(strict, target);
      expect(second).toMatchObject({ outcome: 'done', plan: { resume: { after: first.position } } });
      await expectExactCopy(source, target);
    });
  });

  it('finds where it stopped with about log2(N) reads, reading one event of the target', async () => {
    const [from, to] = [tempDir(), tempDir()];
    await withStores(from, to, async (source, target) => {
      // 1200 events in 400 appends over 7 streams.
      for (let i = 0; i < 400; i += 1) {
        const events = [0, 1, 2].map((j) => ({ id: `e-${i}-${j}`, type: 'Note', body: { n: i * 3 + j } }));
        await source.appendToStream(`incident-${i % 7}`, events);
      }
      for (const stopAfter of [1, 133, 134, 399]) {
        const dir = tempDir();
        await withStores(from, dir, async (s, t) => {
          await migrate(s, t, { stopAfter });
          const read = { events: 0 };
          const report = await migrate(s, counting(t, read), { stopAfter: 0 });
          expect(report.plan.resume.after).toBe(stopAfter * 3);
          expect(report.plan.resume.probes).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1200)) + 8);
          expect(read.events).toBe(1); // the target's first event, to compare with the source's
          expect(report.plan.total).toBe(1200 - stopAfter * 3);
          expect((await migrate(s, t)).copiedEvents).toBe(1200 - stopAfter * 3);
          await expectExactCopy(s, t);
        });
      }
      expect((await migrate(source, target)).copiedEvents).toBe(1200);
    });
  }, 60_000);
});

/** Changes one event's JSON in the source's file, as someone with disk access could (still valid JSON). */
function tamper(dir: string, pick: (rows: Array<{ position: number; stream: string; revision: number; json: string }>) => number): { stream: string; revision: number; position: number } {
  const db = new Database(join(dir, 'events.db'));
  try {
    const rows = db.prepare<[], { position: number; stream: string; revision: number; json: string }>('SELECT position, stream, revision, json FROM events ORDER BY position').all();
    const row = rows[pick(rows)];
    const changed = row.json.replace('"recordedAt":"2', '"recordedAt":"3');
    expect(changed).not.toBe(row.json);
    db.prepare('UPDATE events SET json = ? WHERE position = ?').run(changed, row.position);
    return { stream: row.stream, revision: row.revision, position: row.position };
  } finally {
    db.close();
  }
}

describe('a tampered source', () => {
  it('stops at the first break, naming stream and revision, with nothing from that append on copied', async () => {
    const [from, to] = [sourceDir(), tempDir()];
    // An event in the middle of a stream, and the last one of the log after it (never reached).
    const broken = tamper(from, (rows) => rows.findIndex((r, i) => i > rows.length / 2 && r.revision > 0));
    tamper(from, (rows) => rows.length - 1);
    await withStores(from, to, async (source, target) => {
      const [tampered] = await source.readAll({ after: broken.position - 1, limit: 1 });
      const firstOfAppend = tampered.position - tampered.append.index;
      const report = await migrate(source, target);
      expect(report.outcome).toBe('broken');
      expect(report.break).toMatchObject(broken);
      expect(report.break!.reason).toMatch(/SHA-256/);
      const before = (await everyEvent(source)).filter((e) => e.position < firstOfAppend);
      expect((await everyEvent(target)).map(kept)).toEqual(before.map(kept));
      // Running again stops at the same place, copying nothing more.
      expect(await migrate(source, target)).toMatchObject({ outcome: 'broken', copiedEvents: 0, break: broken });
    });
    const { code, out } = await cli(['--from', from, '--to', to]);
    expect(code).toBe(1);
    expect(out).toContain(`CHAIN BROKEN in the source at stream ${broken.stream} revision ${broken.revision} (source position ${broken.position})`);
    expect(out).not.toContain('final check');
  });
});

describe('a target that is not a copy of the source', () => {
  it('refuses an unrelated non-empty log, copying nothing', async () => {
    const [from, to] = [sourceDir(), tempDir()];
    await withStores(from, to, async (source, target) => {
      await target.appendToStream('incident-elsewhere', [{ id: 'a0000000-0000-4000-8000-000000000001', type: 'Note', body: { text: 'not from the source' } }]);
      await expect(migrate(source, target)).rejects.toThrow(TargetNotACopy);
      expect(await target.headPosition()).toBe(1);
    });
    const { code, out } = await cli(['--from', from, '--to', to]);
    expect(code).toBe(1);
    expect(out).toContain('refused: the target already holds events that are not a copy of this source: its first event (stream incident-elsewhere revision 0)');
  });

  it('refuses a copy the server has since written to', async () => {
    const [from, to] = [sourceDir(), tempDir()];
    await withStores(from, to, async (source, target) => {
      await migrate(source, target, { stopAfter: 5 });
      const [some] = await everyEvent(target);
      await target.appendToStream(some.stream, [{ id: 'a0000000-0000-4000-8000-000000000002', type: 'Note', body: { text: 'written on the new log' } }]);
      await expect(migrate(source, target)).rejects.toThrow(TargetNotACopy);
    });
  });

  it('refuses a copy with events of its own after it', async () => {
    const [from, to] = [sourceDir(), tempDir()];
    await withStores(from, to, async (source, target) => {
      await migrate(source, target, { stopAfter: 2 });
      const head = await target.headPosition();
      await target.appendToStream('incident-elsewhere', [{ id: 'a0000000-0000-4000-8000-000000000005', type: 'Note', body: {} }]);
      await expect(migrate(source, target)).rejects.toThrow(`that are not the source's next ones`);
      expect(await target.headPosition()).toBe(head + 1);
    });
  });

  it('refuses a log whose tail matches but which began with its own events', async () => {
    const [from, to] = [sourceDir(), tempDir()];
    await withStores(from, to, async (source, target) => {
      const [first] = await source.readAll({ limit: 1 });
      await target.appendToStream('incident-elsewhere', [{ id: 'a0000000-0000-4000-8000-000000000003', type: 'Note', body: { text: 'before' } }]);
      await target.importAppend(first.stream, [first]);
      await expect(migrate(source, target)).rejects.toThrow(/its first event \(stream incident-elsewhere revision 0\) is not the source's first event/);
    });
  });
});

describe('npm run migrate (main)', () => {
  it('copies, checks and tells how to switch the server, exit 0; a second run copies nothing', async () => {
    const [from, to] = [sourceDir(), tempDir()];
    const first = await cli(['--from', from, `--to=${to}`], { progressEveryMs: 0 });
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/the target is empty; \d+ events to copy/);
    expect(first.out).toMatch(/migrate: \d+\/\d+ events \(\d+%\), \d+ events\/s, ETA/);
    expect(first.out).toMatch(/done; copied \d+ events in \d+ appends; skipped 0 events in 0 appends already present/);
    expect(first.out).toMatch(/final check ok: \d+ events in the target, every chain holds; the heads of all \d+ streams equal the source's/);
    expect(first.out).toContain(`Start the server with DATA_DIR=${to}: it has no projections yet`);
    const second = await cli(['--from', from, '--to', to]);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/resuming after stream .* revision \d+ \(source position \d+\), already in the target; 0 events left to copy/);
    expect(second.out).toContain('copied 0 events in 0 appends');
    await withStores(from, to, expectExactCopy);
  });

  it('takes DATA_DIR as the default source; an interruption exits 130 and the next run finishes', async () => {
    const [from, to] = [sourceDir(), tempDir()];
    const controller = new AbortController();
    controller.abort();
    const stopped = await cli(['--to', to], { env: { DATA_DIR: from }, signal: controller.signal });
    expect(stopped.code).toBe(130);
    expect(stopped.out).toContain(`from ${join(from, 'events.db')}`);
    expect(stopped.out).toContain('run the same command again to continue');
    expect(await cli(['--to', to], { env: { DATA_DIR: from } })).toMatchObject({ code: 0 });
  });

  it('reports the final check failing when the target differs from the source', async () => {
    const [from, to] = [sourceDir(), tempDir()];
    expect((await cli(['--from', from, '--to', to])).code).toBe(0);
    // The source grows a stream the target has not got; the final check compares up to the source's head at the start of a run.
    await withStores(from, to, async (source, target) => {
      const report = await migrate(source, target);
      await target.appendToStream('incident-only-in-target', [{ id: 'a0000000-0000-4000-8000-000000000004', type: 'Note', body: {} }]);
      const check = await checkCopy(source, target, report.upTo);
      expect(check.ok).toBe(false);
      expect(check.differences).toEqual([expect.stringContaining('stream incident-only-in-target: only in the target')]);
    });
  });

  it('answers usage errors with exit 2', async () => {
    const from = sourceDir();
    expect(await cli([])).toMatchObject({ code: 2, out: expect.stringContaining('--to is required') });
    expect(await cli(['--to'])).toMatchObject({ code: 2, out: expect.stringContaining('--to needs a value') });
    expect(await cli(['--to', 'x', '--verbose'])).toMatchObject({ code: 2, out: expect.stringContaining('unknown argument "--verbose"') });
    expect(await cli(['--from', from, '--to', from])).toMatchObject({ code: 2, out: expect.stringContaining('the same log') });
    const missing = join(tempDir(), 'nothing-here');
    expect(await cli(['--from', missing, '--to', tempDir()])).toMatchObject({ code: 2, out: expect.stringContaining(`no log at ${join(missing, 'events.db')}`) });
    expect(existsSync(missing)).toBe(false);
    expect(await cli(['--help'])).toMatchObject({ code: 0, out: expect.stringContaining('usage: npm run migrate') });
  });
});

// The same migration into KurrentDB, over the protocol stand-in (not KurrentDB: test/support/kurrentdb-stand-in).
describe('migrating to KurrentDB (the protocol stand-in, not KurrentDB)', () => {
  const start = async (): Promise<{ standIn: ProtocolStandIn; target: EventStore }> => {
    const standIn = await startProtocolStandIn();
    return { standIn, target: openEventStore({ kurrentdbUrl: standIn.url }) };
  };

  it('copies every event exactly, resumes after an interruption, copies nothing on a re-run', async () => {
    const opened = await start();
    const { standIn, target } = opened;
    const from = sourceDir();
    const source = open(from);
    try {
      expect(await migrate(source, target, { stopAfter: 3 })).toMatchObject({ outcome: 'stopped', copiedAppends: 3 });
      const rest = await migrate(source, target);
      expect(rest.outcome).toBe('done');
      expect(await migrate(source, target)).toMatchObject({ outcome: 'done', copiedEvents: 0, total: 0 });
      await expectExactCopy(source, target);
      expect(await checkCopy(source, target, rest.upTo)).toMatchObject({ ok: true, differences: [] });
    } finally {
      await source.close();
      await target.close();
      await standIn.close();
    }
  });

  it('through the CLI: exit 0 and the projections note for KurrentDB', async () => {
    const opened = await start();
    await opened.target.close();
    try {
      const { code, out } = await cli(['--from', sourceDir(), '--to', opened.standIn.url]);
      expect(code).toBe(0);
      expect(out).toContain(`KURRENTDB_URL='${opened.standIn.url}' DATA_DIR=`);
      expect(out).toMatch(/npm run rebuild\n.*server sees on start that its projections\n.*come from another log/);
      expect(out).toContain('or start the server on a fresh, empty DATA_DIR');
    } finally {
      await opened.standIn.close();
    }
  });
});
