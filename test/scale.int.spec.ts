import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventToAppend } from '../src/core/event-store/event-store';
import { SqliteEventStore } from '../src/core/event-store/sqlite-event-store';
import { Filters, NO_FILTERS } from '../src/core/filters';
import { Checkpoint, EventLocation, FactRow, ProjectionStore } from '../src/core/projections/projection-store';
import { Projector } from '../src/core/projections/projector';
import { readModels } from '../src/projections';
import { incidentEventOf } from '../src/projections/decoder';

// The engine at a scale where a cost that follows the log instead of the append shows: 200,000 events
// over 100 incidents and one of 20,000, appended in batches of 1,000 through the real store, folded by
// the real projector. What is asserted does not depend on the machine's speed.

const INCIDENTS = 100;
const PER_INCIDENT = 1800;
const BIG = 20_000;
const BATCH = 1000;

/** A projection store that counts what each write is handed: the bytes a save writes. */
class CountingStore extends ProjectionStore {
  writes: Array<{ bytes: number; events: number }> = [];
  write(facts: readonly FactRow[], ids: readonly EventLocation[], checkpoint: Checkpoint): void {
    let bytes = 0;
    for (const f of facts) bytes += f.json.length + f.partitions.reduce((n, p) => n + p.length + 8, 8);
    for (const e of ids) bytes += e.id.length + e.stream.length + 16;
    this.writes.push({ bytes, events: ids.length });
    super.write(facts, ids, checkpoint);
  }
}

let n = 0;
const event = (incidentId: string): EventToAppend => {
  n += 1;
  const day = `2022-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}T00:00:00.000Z`;
  const data = n % 3 === 0
    ? { category: ['killed', 'injured'][n % 2], group: 'civilians', figure: { best: n % 500 } }
    : n % 3 === 1
      ? { contributor: ['Russia', 'Armenia'][n % 2], status: 'deployed', strength: { best: 100 + (n % 900) } }
      : { speaker: 'Ministry', summary: `Statement ${n}` };
  const type = n % 3 === 0 ? 'CasualtiesReported' : n % 3 === 1 ? 'TroopsDeployed' : 'StatementMade';
  return {
    id: randomUUID(),
    type,
    body: {
      incidentId, schemaVersion: 1, occurredAt: day, occurredAtAsReported: day.slice(0, 10), occurredPrecision: 'day',
      source: { sourceId: `wire-${n % 10}` }, reportedAt: day, data,
    },
  };
};

describe('the engine at 200,000 events', () => {
  let dir: string;
  let store: SqliteEventStore;
  const open = (projections: ProjectionStore) => new Projector(store, readModels, projections, incidentEventOf, 'v1');
  const sample = ['big', 'i-0', `i-${INCIDENTS - 1}`];
  const FILTERS: Filters[] = [NO_FILTERS, { asOf: '2022-06-30T23:59:59.999Z', knownAt: null, atPosition: null }, { asOf: null, knownAt: '2022-03-15T00:00:00.000Z', atPosition: 150_000 }];
  const answers = (p: Projector) =>
    JSON.stringify([
      ...sample.flatMap((id) => readModels.filter((m) => m.name !== 'ledger').flatMap((m) => FILTERS.map((f) => p.view(m, id, f)))),
      ...FILTERS.map((f) => p.view(readModels.find((m) => m.name === 'ledger')!, 'wire-3', f)),
    ]);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-scale-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes per append what the append adds, restarts folding nothing, and rebuilds to the same answers', async () => {
    const counting = new CountingStore(join(dir, 'projections.db'));
    const live = open(counting);
    await live.start();
    const plan = [
      ...Array.from({ length: BIG / BATCH }, () => 'big'),
      ...Array.from({ length: INCIDENTS }, (_, i) => Array.from({ length: PER_INCIDENT / BATCH + 1 }, () => `i-${i}`)).flat(),
    ];
    let appended = 0;
    let largestEventBytes = 0;
    for (const [k, incident] of plan.entries()) {
      // Late in the load, single events land on the big incident: a save must not grow with its size.
      const size = k > plan.length - 20 && incident === 'big' ? 1 : BATCH;
      const batch = Array.from({ length: size }, () => event(incident));
      const result = await store.appendToStream(`incident-${incident}`, batch);
      appended += batch.length;
      for (const e of result.events) largestEventBytes = Math.max(largestEventBytes, e.json.length);
      if (k % 20 === 0) await live.waitFor(result.position, 60_000);
    }
    for (let i = 0; i < 10; i++) {
      const one = await store.appendToStream('incident-big', [event('big')]);
      await live.waitFor(one.position, 60_000);
      answers(live); // the big incident read and cached between single appends
    }
    appended += 10;
    const head = await store.headPosition();
    await live.waitFor(head, 60_000);
    expect(appended).toBeGreaterThanOrEqual(200_000);
    expect(live.position()).toBe(head);

    // A save is bounded by what was appended since the last one, never by a partition or the log: each
    // event is saved once with its partitions and id, in fewer bytes than twice its stored form.
    expect(counting.writes.length).toBeGreaterThan(10);
    const worst = Math.max(...counting.writes.map((w) => w.bytes / w.events));
    expect(worst).toBeLessThan(2 * largestEventBytes);
    const liveAnswers = answers(live);
    await live.close();

    const restarted = open(new ProjectionStore(join(dir, 'projections.db')));
    await restarted.start();
    await restarted.waitFor(head);
    await new Promise((r) => setTimeout(r, 50));
    expect(restarted.folded).toBe(0);
    expect(answers(restarted)).toBe(liveAnswers);
    expect(await restarted.rebuild()).toBe(head);
    expect(restarted.folded).toBe(head);
    expect(answers(restarted)).toBe(liveAnswers);
    await restarted.close();
  }, 300_000);
});
