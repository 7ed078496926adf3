import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SOURCE_TEXT } from './support/fixtures';
import { buildServer, request, seeded, ServerProcess, startServer } from './support/server-process';

// The real server (a child process) is killed with SIGKILL at random moments while several clients
// append single events and 50-500-event batches to a few incidents, then started again on the same
// DATA_DIR. After every restart: each acknowledged append is stored exactly once, each append whose
// answer never came is stored whole or not at all, positions run 1..head with no gap, every chain
// verifies; halfway and at the end, the projections equal a rebuild from the log.
// CRASH_SEED=<n> replays a run (the seed is printed); CRASH_KILLS=<n> sets the number of kills.

const KILLS = Number(process.env.CRASH_KILLS ?? 20);
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);
const CLIENTS = 4;
const INCIDENTS = 3;
const PROJECTIONS = ['troop-presence', 'casualties', 'situation', 'timeline'];

interface Append {
  incident: string;
  ids: string[];
  batch: boolean;
}

describe('the server killed (SIGKILL) at random moments', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-crash-server-'));
  let main: string;
  let server: ServerProcess | undefined;
  const random = seeded(SEED);
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));

  beforeAll(() => {
    main = buildServer();
  }, 180_000);
  afterAll(async () => {
    server?.kill('SIGKILL');
    if (server) await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged append exactly once and never half an append, over ${KILLS} kills`, async () => {
    // eslint-disable-next-line no-console
    console.log(`crash-server: seed ${SEED} (CRASH_SEED=${SEED} replays the sizes, targets and moments), ${KILLS} kills`);
    const started = Date.now();
    server = await startServer(main, { dataDir });
    const sourceId = `src-${randomUUID().slice(0, 8)}`;
    const incidents = Array.from({ length: INCIDENTS }, (_, i) => `inc-${i}-${randomUUID().slice(0, 8)}`);
    expect((await request(server.url, 'POST', '/sources', { id: sourceId, publisher: 'Wire', title: 'Clashes', publishedAt: '2022-01-07T06:00:00Z', text: SOURCE_TEXT })).status).toBe(201);
    for (const id of incidents) expect((await request(server.url, 'POST', '/incidents', { id, title: 'Unrest', timeZone: 'Asia/Almaty' })).status).toBe(201);

    /** Acknowledged: a 200/201 answer came whole. Unknown: no answer (killed under it), or not one to trust. */
    const acknowledged: Append[] = [];
    const unknown: Append[] = [];
    /** Every id known to be stored, by incident: acknowledged ones, and unknown appends found stored whole. */
    const stored = new Map<string, Set<string>>(incidents.map((i) => [i, new Set()]));
    const figures = { kills: 0, acknowledgedAppends: 0, acknowledgedEvents: 0, unknownAppends: 0, unknownFoundWhole: 0, unknownFoundAbsent: 0, rebuilds: 0, lookedUp: 0, startingMs: 0, checkingMs: 0, appendingMs: 0 };

    const event = () => ({
      id: randomUUID(),
      type: 'CasualtiesReported',
      occurredAt: `2022-01-0${between(2, 9)}`,
      source: { sourceId, quote: 'Police said 12 officers were killed on Thursday.', attributedTo: 'police' },
      data: { category: random() < 0.5 ? 'killed' : 'injured', group: random() < 0.5 ? 'security_forces' : 'civilians', figure: { best: between(1, 500) } },
    });

    /** One client: appends until a request fails (the server is gone) or the round ends. */
    const client = async (url: string, round: { over: boolean }): Promise<void> => {
      while (!round.over) {
        const incident = incidents[between(0, INCIDENTS - 1)];
        const batch = random() < 0.35;
        const events = batch ? Array.from({ length: between(50, 500) }, event) : [event()];
        const append: Append = { incident, ids: events.map((e) => e.id), batch };
        let answer: { status: number; json: any };
        try {
          answer = await request(url, 'POST', `/incidents/${incident}/events`, batch ? { events } : events[0]);
        } catch {
          unknown.push(append);
          return;
        }
        if (answer.status === 201 || answer.status === 200) {
          expect(answer.json.events.map((e: { id: string }) => e.id)).toEqual(append.ids);
          acknowledged.push(append);
          figures.acknowledgedAppends += 1;
          figures.acknowledgedEvents += append.ids.length;
          for (const id of append.ids) stored.get(incident)!.add(id);
        } else {
          // A refusal stores nothing; anything else is checked like an append whose answer never came.
          unknown.push(append);
        }
      }
    };

    /** Every stored event of a stream through GET /streams/:stream/events, page by page. */
    const readStream = async (url: string, stream: string): Promise<Array<{ id: string; position: number; revision: number }>> => {
      const all: Array<{ id: string; position: number; revision: number }> = [];
      let after = -1;
      for (;;) {
        const page = await request(url, 'GET', `/streams/${stream}/events?after=${after}&limit=1000`);
        expect(page.status).toBe(200);
        all.push(...page.json.events);
        if (page.json.next === null) return all;
        after = page.json.next;
      }
    };

    /** The incident's events list (GET /incidents/:id/events), page by page. */
    const listEvents = async (url: string, incident: string): Promise<Array<{ id: string; position: number; revision: number }>> => {
      const all: Array<{ id: string; position: number; revision: number }> = [];
      let after = -1;
      for (;;) {
        const page = await request(url, 'GET', `/incidents/${incident}/events?after=${after}&limit=1000`);
        expect(page.status).toBe(200);
        all.push(...page.json.events);
        if (page.json.next === null) return all;
        after = page.json.next;
      }
    };

    const answers = async (url: string): Promise<Record<string, unknown>> => {
      const all: Record<string, unknown> = {};
      for (const incident of incidents) {
        for (const projection of PROJECTIONS) all[`${incident}/${projection}`] = (await request(url, 'GET', `/incidents/${incident}/${projection}`)).json;
      }
      all.ledger = (await request(url, 'GET', `/sources/${sourceId}/ledger`)).json;
      return all;
    };

    /** What must hold after every restart. */
    const check = async (url: string): Promise<void> => {
      const ready = await request(url, 'GET', '/health/ready');
      expect(ready.status).toBe(200);
      const head: number = ready.json.details.store.head;
      // Positions: every stream read whole (the registrations through GET /streams/:stream/events, each
      // incident through its events list), together exactly 1..head, each stream's revisions 0..n-1.
      const positions: number[] = [];
      const byIncident = new Map<string, Map<string, number>>();
      const streams = [
        ...['sources', 'incidents'].map((stream) => () => readStream(url, stream)),
        ...incidents.map((incident) => async () => {
          const events = await listEvents(url, incident);
          // Ids: how often each is there.
          const counts = new Map<string, number>();
          for (const { id } of events) counts.set(id, (counts.get(id) ?? 0) + 1);
          byIncident.set(incident, counts);
          expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
          return events;
        }),
      ];
      for (const read of streams) {
        const events = await read();
        expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
        positions.push(...events.map((e) => e.position));
      }
      positions.sort((a, b) => a - b);
      expect(positions.length).toBe(head);
      expect(positions.every((p, i) => p === i + 1)).toBe(true);
      const missing = acknowledged.flatMap((a) => a.ids.filter((id) => byIncident.get(a.incident)!.get(id) !== 1));
      expect(missing).toEqual([]);
      // An append whose answer never came: all of it or none of it.
      for (const append of unknown.splice(0)) {
        const found = append.ids.filter((id) => byIncident.get(append.incident)!.has(id)).length;
        expect([0, append.ids.length]).toContain(found);
        figures.unknownAppends += 1;
        if (found > 0) {
          figures.unknownFoundWhole += 1;
          for (const id of append.ids) stored.get(append.incident)!.add(id);
        } else figures.unknownFoundAbsent += 1;
      }
      // Nothing else is stored: every id there is one we sent and know of.
      for (const incident of incidents) expect(byIncident.get(incident)!.size).toBe(stored.get(incident)!.size);
      // GET /events/:id for a sample of the acknowledged events, each with its stream.
      for (let i = 0; i < 20 && acknowledged.length > 0; i++) {
        const append = acknowledged[between(0, acknowledged.length - 1)];
        const id = append.ids[between(0, append.ids.length - 1)];
        const found = await request(url, 'GET', `/events/${id}`);
        expect([found.status, found.json.event.id, found.json.event.incidentId]).toEqual([200, id, append.incident]);
        figures.lookedUp += 1;
      }
      const verify = await request(url, 'GET', '/audit/verify');
      expect(verify.json).toEqual(expect.objectContaining({ ok: true, checked: head, broken: [] }));
    };

    /** The projections as they stand, then after a rebuild (projections.db removed, server started again): equal. */
    const checkAgainstRebuild = async (): Promise<void> => {
      const before = await answers(server!.url);
      server!.kill('SIGKILL');
      await server!.exited;
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `projections.db${suffix}`), { force: true });
      server = await startServer(main, { dataDir });
      expect(await answers(server.url)).toEqual(before);
      figures.rebuilds += 1;
    };

    for (let kill = 1; kill <= KILLS; kill++) {
      const round = { over: false };
      const url = server.url;
      const t0 = Date.now();
      const clients = Array.from({ length: CLIENTS }, () => client(url, round));
      // The moment: 200 ms to 1.5 s after the clients start, whatever they are doing then.
      await new Promise((resolve) => setTimeout(resolve, between(200, 1500)));
      server.kill('SIGKILL');
      const exit = await server.exited;
      round.over = true;
      await Promise.all(clients);
      expect(exit.signal).toBe('SIGKILL');
      figures.kills += 1;
      figures.appendingMs += Date.now() - t0;
      const t1 = Date.now();
      server = await startServer(main, { dataDir });
      const t2 = Date.now();
      figures.startingMs += t2 - t1;
      await check(server.url);
      figures.checkingMs += Date.now() - t2;
      if (kill === Math.ceil(KILLS / 2) || kill === KILLS) await checkAgainstRebuild();
    }
    await check(server.url);

    // The store's own file, read after the last stop: positions 1..n, one append's events together.
    server.kill('SIGKILL');
    await server.exited;
    server = undefined;
    const db = new Database(join(dataDir, 'events.db'));
    try {
      const rows = db.prepare<[], { position: number; commit_position: number; append_count: number }>('SELECT position, commit_position, append_count FROM events ORDER BY position').all();
      expect(rows.every((r, i) => r.position === i + 1)).toBe(true);
      const perAppend = new Map<number, number>();
      for (const r of rows) perAppend.set(r.commit_position, (perAppend.get(r.commit_position) ?? 0) + 1);
      expect(rows.filter((r) => perAppend.get(r.commit_position) !== r.append_count)).toEqual([]);
    } finally {
      db.close();
    }
    // eslint-disable-next-line no-console
    console.log(`crash-server: seed ${SEED}: ${JSON.stringify(figures)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(figures.kills).toBe(KILLS);
    expect(figures.acknowledgedAppends).toBeGreaterThan(KILLS);
  }, 240_000);
});
