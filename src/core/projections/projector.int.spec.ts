import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { incidentEventOf } from '../../incidents/served';
import { casualties, readModels } from '../../projections';
import { SqliteEventStore } from '../event-store/sqlite-event-store';
import { NO_FILTERS } from '../filters';
import { CheckpointStore } from './checkpoints';
import { ProjectionChange, Projector } from './projector';

const killed = (incidentId: string, best: number, day = '06') => ({
  id: randomUUID(),
  type: 'CasualtiesReported',
  body: {
    incidentId, schemaVersion: 1, occurredAt: `2022-01-${day}T00:00:00.000Z`, occurredPrecision: 'day',
    source: { sourceId: 's', attributedTo: 'police' }, reportedAt: `2022-01-${day}T12:00:00.000Z`,
    data: { category: 'killed', group: 'civilians', figure: { best } },
  },
});

describe('the projector', () => {
  let dir: string;
  let store: SqliteEventStore;
  const open = (version = 'v1') => new Projector(store, readModels, new CheckpointStore(join(dir, 'projections.db')), incidentEventOf, version);
  const best = (p: Projector, incidentId: string) => p.view<{ tallies: Array<{ best: number }> }>(casualties, incidentId, NO_FILTERS, incidentId).tallies[0]?.best;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-projector-'));
    store = new SqliteEventStore(join(dir, 'events.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('follows every append, one change per append naming what changed, and forgets a stale current view', async () => {
    const projector = open();
    await projector.start();
    const changes: ProjectionChange[] = [];
    projector.changes.subscribe((c) => changes.push(c));
    await store.appendToStream('incident-a', [killed('a', 3)]);
    expect(best(projector, 'a')).toBe(3);
    const batch = await store.appendToStream('incident-a', [killed('a', 5, '07'), killed('a', 9, '08')]);
    expect(best(projector, 'a')).toBe(9);
    await store.appendToStream('sources', [{ id: randomUUID(), type: 'SourceRegistered', body: { data: { id: 's' } } }]);
    expect(changes.map((c) => c.position)).toEqual([1, 3, 4]);
    expect(changes[1].changed).toEqual(expect.arrayContaining([{ model: 'casualties', partition: 'a' }, { model: 'ledger', partition: '*' }]));
    expect(changes[2].changed).toEqual([]);
    expect(projector.position()).toBe(batch.position + 1);
    await projector.close();
  });

  it('resumes from its checkpoint after a restart, and refolds everything when the rules changed', async () => {
    const first = open();
    await first.start();
    await store.appendToStream('incident-a', [killed('a', 3), killed('a', 4, '07')]);
    await first.close();
    const resumed = open();
    await resumed.start();
    expect(resumed.folded).toBe(0);
    expect(best(resumed, 'a')).toBe(4);
    await store.appendToStream('incident-a', [killed('a', 8, '09')]);
    expect(resumed.folded).toBe(1);
    await resumed.close();
    const newRules = open('v2');
    await newRules.start();
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
});
