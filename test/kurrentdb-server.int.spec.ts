import { jsonEvent, KurrentDBClient } from '@kurrent/kurrentdb-client';
import { main as verifyCli } from '../src/cli/verify';
import { Projector } from '../src/core/projections/projector';
import { migrate } from '../src/migration/migration';
import { openEventStore } from '../src/store/open-event-store';
import { freshIncident, killed } from './support/fixtures';
import { ProtocolStandIn, startProtocolStandIn } from './support/kurrentdb-stand-in/stand-in';
import { removeDir, RunningLedger, startLedger, tempDataDir } from './support/ledger';

// The server on KurrentDB, as a user moves to it: over the protocol stand-in (an in-process gRPC
// server built from the client's protocol definitions, NOT KurrentDB; see its README).

jest.setTimeout(60_000);

const KZ = 'kz-2022-unrest';
const QUERIES = [
  `/incidents/${KZ}/casualties`,
  `/incidents/${KZ}/casualties?knownAt=2022-01-09T09:00:00%2B06:00`,
  `/incidents/${KZ}/troop-presence?asOf=2022-01-08`,
  `/incidents/${KZ}/situation?asOf=2022-01-06&knownAt=2022-01-07`,
  `/incidents/${KZ}/timeline`,
  `/sources/nyt-2022-01-10-putin-troops-stay/ledger`,
  '/incidents',
  '/sources',
];

/** An answer without its log positions: the one thing that differs between two logs holding the same events. */
const withoutPositions = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'position').map(([k, v]) => [k, withoutPositions(v)]));
  }
  return value;
};

const answers = async (ledger: RunningLedger) =>
  Promise.all(QUERIES.map(async (q) => {
    const res = await ledger.call('GET', q);
    expect(res.status).toBe(200);
    return withoutPositions(res.json);
  }));

describe('the server on KurrentDB (the protocol stand-in, not KurrentDB)', () => {
  let standIn: ProtocolStandIn;
  const dirs: string[] = [];
  beforeEach(async () => {
    standIn = await startProtocolStandIn();
  });
  afterEach(async () => {
    await standIn.close();
    dirs.splice(0).forEach(removeDir);
  });

  it('follows the log again when the server drops its subscriptions: nothing missed, nothing folded twice, ready throughout', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const ledger = await startLedger({ dataDir, env: { KURRENTDB_URL: standIn.url } });
    try {
      const { incidentId, sourceId } = await ledger.call('GET', '/health').then(() => freshIncident(ledger));
      let last = 0;
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 5; i++) last = (await ledger.call('POST', `/incidents/${incidentId}/events`, killed(sourceId, 10 * round + i, { occurredAt: `2022-01-${10 + round}` }))).json.events[0].position;
        standIn.dropSubscriptions();
      }
      const tallies = await ledger.call('GET', `/incidents/${incidentId}/casualties?minPosition=${last}`);
      expect(tallies.status).toBe(200);
      // 15 reports of one category, each day's latest standing: the last of day 12 is 24.
      const timeline = await ledger.call('GET', `/incidents/${incidentId}/timeline?minPosition=${last}`);
      expect(timeline.json.entries).toHaveLength(15);
      expect(new Set(timeline.json.entries.map((e: any) => e.eventId)).size).toBe(15);
      expect(ledger.app.get(Projector).failure).toBeNull();
      expect((await ledger.call('GET', '/health/ready')).status).toBe(200);
      // A write after the drops is seen too: the registry followed again as well.
      const { incidentId: another } = await freshIncident(ledger);
      expect((await ledger.call('GET', `/incidents/${another}`)).status).toBe(200);
    } finally {
      await ledger.stop();
    }
  });

  it('answers the same after the Kazakhstan data set is migrated from the embedded store, but for positions, and its chains verify', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    let ledger = await startLedger({ dataDir, datasets: 'kazakhstan-2022' });
    const before = await answers(ledger);
    const verifiedBefore = (await ledger.call('GET', '/audit/verify')).json;
    await ledger.stop();

    const source = openEventStore({ dataDir });
    const target = openEventStore({ kurrentdbUrl: standIn.url });
    try {
      expect(await migrate(source, target)).toMatchObject({ outcome: 'done', copiedEvents: verifiedBefore.checked });
    } finally {
      await source.close();
      await target.close();
    }

    // The same data directory (its projections folded from the embedded log), now pointed at KurrentDB.
    ledger = await startLedger({ dataDir, env: { KURRENTDB_URL: standIn.url } });
    try {
      // The read models fold the new log from its start: read once they hold its head.
      const head = (await ledger.call('GET', '/audit/heads')).json.position;
      expect((await ledger.call('GET', `/incidents/${KZ}/timeline?minPosition=${head}`)).status).toBe(200);
      expect(await answers(ledger)).toEqual(before);
      expect((await ledger.call('GET', '/audit/verify')).json).toEqual({ ok: true, checked: verifiedBefore.checked, broken: [] });
      const heads = (await ledger.call('GET', '/audit/heads')).json;
      expect(heads.position).toBeGreaterThan(verifiedBefore.checked); // the server's positions, not the embedded store's
    } finally {
      await ledger.stop();
    }
  });
});

describe('an event rewritten on the KurrentDB node (the protocol stand-in, not KurrentDB)', () => {
  it('is found by /audit/verify and npm run verify, each naming the stream and revision', async () => {
    const standIn = await startProtocolStandIn();
    const dataDir = tempDataDir();
    const ledger = await startLedger({ dataDir, env: { KURRENTDB_URL: standIn.url } });
    try {
      const { incidentId, sourceId } = await freshIncident(ledger);
      const posted = await ledger.call('POST', `/incidents/${incidentId}/events`, { events: [killed(sourceId, 5), killed(sourceId, 6), killed(sourceId, 7)] });
      expect(posted.status).toBe(201);
      expect((await ledger.call('GET', '/audit/verify')).json.ok).toBe(true);
      // One figure changed in the stored JSON: 6 becomes 9.
      standIn.rewrite(`incident-${incidentId}`, 1, (data) => Buffer.from(data.toString('utf8').replace('"best":6', '"best":9')));
      const verified = (await ledger.call('GET', '/audit/verify')).json;
      expect(verified.ok).toBe(false);
      expect(verified.broken).toEqual([expect.objectContaining({ stream: `incident-${incidentId}`, revision: 1 })]);
      const lines: string[] = [];
      expect(await verifyCli([standIn.url], (line) => lines.push(line))).toBe(1);
      expect(lines.join('\n')).toContain(`BROKEN stream incident-${incidentId} revision 1`);
    } finally {
      await ledger.stop();
      await standIn.close();
      removeDir(dataDir);
    }
  });
});

describe('an event another application wrote into an incident\'s stream on KurrentDB (the protocol stand-in, not KurrentDB)', () => {
  it('is passed over by reads, and the next append to that incident is a 409 naming the stream and revision, nothing stored', async () => {
    const standIn = await startProtocolStandIn();
    const dataDir = tempDataDir();
    const ledger = await startLedger({ dataDir, env: { KURRENTDB_URL: standIn.url } });
    const client = KurrentDBClient.connectionString(standIn.url);
    try {
      const { incidentId, sourceId } = await freshIncident(ledger);
      expect((await ledger.call('POST', `/incidents/${incidentId}/events`, killed(sourceId, 5))).status).toBe(201);
      await client.appendToStream(`incident-${incidentId}`, jsonEvent({ type: 'SomethingElse', data: { x: 1 } }));
      const refused = await ledger.call('POST', `/incidents/${incidentId}/events`, killed(sourceId, 6));
      expect(refused.status).toBe(409);
      expect(refused.json.details).toEqual([{ field: 'stream', message: `incident-${incidentId} revision 1` }]);
      const events = await ledger.call('GET', `/incidents/${incidentId}/events`);
      expect(events.json.events).toHaveLength(1);
      expect((await ledger.call('GET', '/health/ready')).status).toBe(200);
    } finally {
      await client.dispose();
      await ledger.stop();
      await standIn.close();
      removeDir(dataDir);
    }
  });
});
