import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { incidentEventOf } from '../../projections/decoder';
import { casualties, readModels } from '../../projections';
import { EventStore, RecordedEvent } from '../event-store/event-store';
import { SqliteEventStore } from '../event-store/sqlite-event-store';
import { AppendAnnouncement, Projector } from './projector';
import { ProjectionStore } from './projection-store';

const killed = (incidentId: string, best: number, day = '06') => ({
  id: randomUUID(),
  type: 'CasualtiesReported',
  body: {
    incidentId, schemaVersion: 1, occurredAt: `2022-01-${day}T00:00:00.000Z`, occurredPrecision: 'day',
    source: { sourceId: 's', attributedTo: 'police' }, reportedAt: `2022-01-${day}T12:00:00.000Z`,
    data: { category: 'killed', group: 'civilians', figure: { best } },
  },
});
const statement = (incidentId: string) => ({
  id: randomUUID(),
  type: 'StatementMade',
  body: {
    incidentId, schemaVersion: 1, occurredAt: '2022-01-06T00:00:00.000Z', occurredPrecision: 'day',
    source: { sourceId: 's' }, reportedAt: '2022-01-06T12:00:00.000Z', data: { speaker: 'Tokayev', summary: 'Order restored' },
  },
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('the projector', () => {
  let dir: string;
  let store: SqliteEventStore;
  const open = (version = 'v1', decode: (r: RecordedEvent) => ReturnType<typeof incidentEventOf> = incidentEventOf, on: EventStore = store) =>
    new Projector(on, readModels, new ProjectionStore(join(dir, 'projections.db')), decode, version, { log: () => undefined });
  const best = (p: Projector, incidentId: string) => p.view<{ tallies: Array<{ best: number }> }>(casualties, incidentId).tallies[0]?.best;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-projector-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('announces each append once, off the writer\'s stack, with the watched views whose answer changed and no others', async () => {
    const projector = open();
    await projector.start();
    for (const model of readModels) for (const scope of ['a', 's']) projector.watch(model, scope);
    const stopped = projector.watch(casualties, 'b');
    stopped.unwatch();
    const announced: AppendAnnouncement[] = [];
    projector.changes.subscribe((c) => announced.push(c));
    const first = await store.appendToStream('incident-a', [killed('a', 3)]);
    expect(announced).toEqual([]); // nothing on the appender's stack
    await projector.waitFor(first.position);
    const batch = await store.appendToStream('incident-a', [killed('a', 5, '07'), killed('a', 9, '08')]);
    await projector.waitFor(batch.position);
    expect(best(projector, 'a')).toBe(9);
    const talk = await store.appendToStream('incident-a', [statement('a')]);
    await store.appendToStream('sources', [{ id: randomUUID(), type: 'SourceRegistered', body: { data: { id: 's' } } }]);
    await projector.waitFor(talk.position + 1);
    await settle(); // announced a turn of the event loop after the fold, once the append's answer is out
    expect(announced.map((a) => a.position)).toEqual([1, 3, 4, 5]);
    expect(announced[1].append).toBe(batch.events[0].append.id);
    const names = (a: AppendAnnouncement) => a.changed.map((c) => `${c.model}:${c.scope}`).sort();
    expect(names(announced[0])).toEqual(['casualties:a', 'ledger:s', 'timeline:a']);
    expect(names(announced[1])).toEqual(['casualties:a', 'ledger:s', 'timeline:a']);
    expect(names(announced[2])).toEqual(['ledger:s', 'timeline:a']); // a statement changes no tally
    expect(names(announced[3])).toEqual([]);
    expect(announced[1].events.map((e) => e.id)).toEqual(batch.events.map((e) => e.id));
    // Each changed view comes with its new answer, the same as asking for it.
    for (const a of announced) for (const c of a.changed) expect(typeof c.json).toBe('string');
    expect(JSON.parse(announced[1].changed.find((c) => c.model === 'casualties')!.json)).toEqual(projector.view(casualties, 'a'));
    // A view nobody watches any more is not followed.
    const other = await store.appendToStream('incident-b', [killed('b', 2)]);
    await projector.waitFor(other.position);
    await settle();
    expect(announced.at(-1)!.changed.map((c) => `${c.model}:${c.scope}`).sort()).toEqual(['ledger:s']);
    await projector.close();
  });

  it('resumes from its checkpoint after a restart, and folds everything again when the rules changed', async () => {
    const first = open();
    await first.start();
    const written = await store.appendToStream('incident-a', [killed('a', 3), killed('a', 4, '07')]);
    await first.waitFor(written.position);
    await first.close();
    const resumed = open();
    await resumed.start();
    await settle();
    expect(resumed.folded).toBe(0);
    expect(best(resumed, 'a')).toBe(4);
    const next = await store.appendToStream('incident-a', [killed('a', 8, '09')]);
    await resumed.waitFor(next.position);
    expect(resumed.folded).toBe(1);
    await resumed.close();
    const newRules = open('v2');
    await newRules.start();
    await newRules.waitFor(3);
    expect(newRules.folded).toBe(3);
    expect(best(newRules, 'a')).toBe(8);
    expect(await newRules.rebuild()).toBe(3);
    expect(best(newRules, 'a')).toBe(8);
    await newRules.close();
  });

  it('waits for a position, and gives up after the time allowed', async () => {
    const projector = open();
    await projector.start();
    const waiting = projector.waitFor(1, 1000);
    await store.appendToStream('incident-a', [killed('a', 1)]);
    await expect(waiting).resolves.toBeUndefined();
    await expect(projector.waitFor(5, 50)).rejects.toThrow('not yet 5');
    await projector.close();
  });

  it('stops on a fold error without failing the append, says so, and resumes after a restart', async () => {
    let broken = true;
    const decode = (r: RecordedEvent) => {
      if (broken && r.type === 'StatementMade') throw new Error('cannot decode');
      return incidentEventOf(r);
    };
    const projector = open('v1', decode);
    await projector.start();
    const ok = await store.appendToStream('incident-a', [killed('a', 3)]);
    const failing = await store.appendToStream('incident-a', [statement('a')]);
    expect(failing.written).toBe(true); // acknowledged whatever the projector does
    await expect(projector.waitFor(failing.position, 300)).rejects.toThrow('not yet');
    expect(projector.failure?.message).toBe('cannot decode');
    expect(projector.position()).toBe(ok.position);
    await projector.close();
    broken = false;
    const restarted = open('v1', decode);
    await restarted.start();
    await restarted.waitFor(failing.position);
    expect(restarted.failure).toBeNull();
    expect(restarted.folded).toBe(1);
    await restarted.close();
  });

  it('finds an id it has folded but not saved yet, without saving on the writer\'s path', async () => {
    const projections = new ProjectionStore(join(dir, 'projections.db'));
    const projector = new Projector(store, readModels, projections, incidentEventOf, 'v1', { log: () => undefined });
    await projector.start();
    const first = await store.appendToStream('incident-a', [killed('a', 3)]);
    await projector.waitFor(first.position);
    const id = first.events[0].id;
    expect(projections.checkpoint()?.position ?? 0).toBeLessThan(first.position); // not saved yet (every 100 ms)
    expect(projector.locate(id.toUpperCase())).toEqual({ id, stream: 'incident-a', revision: 0, position: first.position });
    expect(projector.locateAll([id, randomUUID()])).toEqual([{ id, stream: 'incident-a', revision: 0, position: first.position }]);
    expect(projections.checkpoint()?.position ?? 0).toBeLessThan(first.position); // still not: looking up saved nothing
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(projections.checkpoint()?.position).toBe(first.position);
    expect(projector.locateAll([id])).toEqual([{ id, stream: 'incident-a', revision: 0, position: first.position }]);
    await projector.close();
  });

  it('answers a partition it does not hold in memory from its store, and the same', async () => {
    const projector = new Projector(store, readModels, new ProjectionStore(join(dir, 'projections.db')), incidentEventOf, 'v1', { cachedFacts: 2 });
    await projector.start();
    await store.appendToStream('incident-a', [killed('a', 3), killed('a', 7, '07')]);
    const last = await store.appendToStream('incident-b', [killed('b', 5), killed('b', 6, '07'), killed('b', 9, '08')]);
    await projector.waitFor(last.position);
    expect(best(projector, 'a')).toBe(7);
    expect(best(projector, 'b')).toBe(9); // three facts: larger than the cache, read from disk each time
    expect(best(projector, 'a')).toBe(7);
    await projector.close();
  });
});
