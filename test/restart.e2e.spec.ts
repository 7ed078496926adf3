import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Projector } from '../src/core/projections/projector';
import { Importer } from '../src/datasets/importer';
import { readDataSet } from '../src/datasets/data-set';
import { freshIncident, killed } from './support/fixtures';
import { audited } from './support/jcs';
import { removeDir, RunningLedger, startLedger, tempDataDir, describeOnEmbeddedFile } from './support/ledger';

const KZ = 'kz-2022-unrest';
const QUERIES = [
  `/incidents/${KZ}/casualties`,
  `/incidents/${KZ}/casualties?knownAt=2022-01-09T09:00:00%2B06:00`,
  `/incidents/${KZ}/troop-presence?asOf=2022-01-08`,
  `/incidents/${KZ}/troop-presence`,
  `/incidents/${KZ}/situation?asOf=2022-01-06&knownAt=2022-01-07`,
  `/incidents/${KZ}/timeline?atPosition=30`,
  `/incidents/${KZ}/timeline`,
];

const answers = async (ledger: RunningLedger) => Promise.all(QUERIES.map(async (q) => (await ledger.call('GET', q)).json));

describe('a restart', () => {
  const dataDir = tempDataDir();
  afterAll(() => removeDir(dataDir));

  it('finds every acknowledged event with its chain intact, resumes the projections from their checkpoint, and rebuilds them the same', async () => {
    let ledger = await startLedger({ dataDir, datasets: 'kazakhstan-2022' });
    const { incidentId, sourceId } = await freshIncident(ledger);
    const acknowledged = [];
    for (let i = 0; i < 5; i++) acknowledged.push((await ledger.call('POST', `/incidents/${incidentId}/events`, killed(sourceId, i))).json.events[0]);
    const before = await answers(ledger);
    const headBefore = ledger.app.get(Projector).position();
    await ledger.stop();

    ledger = await startLedger({ dataDir, datasets: 'kazakhstan-2022' });
    try {
      const projector = ledger.app.get(Projector);
      expect(projector.position()).toBe(headBefore);
      expect(projector.folded).toBe(0); // resumed from the stored checkpoint: nothing replayed, nothing new stored
      for (const [revision, ack] of acknowledged.entries()) {
        const stored = audited(await ledger.call('GET', `/events/${ack.id}?raw=true`));
        expect([stored.event.revision, stored.hash, stored.position]).toEqual([revision, ack.hash, ack.position]);
      }
      for (const stream of [incidentId, KZ]) {
        const { events } = (await ledger.call('GET', `/incidents/${stream}/events?limit=1000`)).json;
        let prev = '0'.repeat(64);
        for (const e of events) {
          const raw = audited(await ledger.call('GET', `/events/${e.id}?raw=true`));
          expect(raw.event.prevHash).toBe(prev);
          expect(raw).toMatchObject({ canonical: true, hashed: true, hasStoreFields: false });
          prev = raw.hash!;
        }
      }
      expect(await answers(ledger)).toEqual(before);

      await projector.rebuild();
      expect(projector.position()).toBe(headBefore);
      expect(await answers(ledger)).toEqual(before);

      const report = await ledger.app.get(Importer).importDataSet(readDataSet('kazakhstan-2022'));
      expect(report.stored).toBe(0);
      expect(projector.position()).toBe(headBefore);
    } finally {
      await ledger.stop();
    }
  });
});

describeOnEmbeddedFile('a data directory given another log (embedded store)', () => {
  const mine = tempDataDir();
  const other = tempDataDir();
  afterAll(() => [mine, other].forEach(removeDir));

  it('folds its projections again from the new log instead of resuming from a checkpoint that means nothing there', async () => {
    // A log of its own, one small incident: its checkpoint is past some of the other log's events, below its head.
    let ledger = await startLedger({ dataDir: mine });
    const { incidentId, sourceId } = await freshIncident(ledger);
    for (let i = 0; i < 20; i++) expect((await ledger.call('POST', `/incidents/${incidentId}/events`, killed(sourceId, i))).status).toBe(201);
    const checkpoint = ledger.app.get(Projector).position();
    await ledger.stop();
    ledger = await startLedger({ dataDir: other, datasets: 'kazakhstan-2022' });
    const expected = await answers(ledger);
    expect(ledger.app.get(Projector).position()).toBeGreaterThan(checkpoint);
    await ledger.stop();
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(join(mine, `events.db${suffix}`), { force: true });
      if (existsSync(join(other, `events.db${suffix}`))) copyFileSync(join(other, `events.db${suffix}`), join(mine, `events.db${suffix}`));
    }
    ledger = await startLedger({ dataDir: mine });
    try {
      expect(await answers(ledger)).toEqual(expected);
      expect((await ledger.call('GET', `/incidents/${incidentId}/timeline`)).status).toBe(404);
    } finally {
      await ledger.stop();
    }
  });
});
