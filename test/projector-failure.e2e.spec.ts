import { randomUUID } from 'node:crypto';
import { EventStore } from '../src/core/event-store/event-store';
import { EVENT_STORE } from '../src/core/event-store/event-store.token';
import { freshIncident, killed } from './support/fixtures';
import { RunningLedger, useLedger } from './support/ledger';

// A fold error never fails an acknowledged append and never takes the server down: the projector
// stops, says why on /health/ready, and the log keeps what was acknowledged.
const running = useLedger();
let ledger: RunningLedger;
beforeAll(() => {
  ledger = running();
});

describe('a projector that cannot fold an event', () => {
  it('stops, reports itself not ready with the reason, and leaves the log and the server up', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const good = await ledger.call('POST', `/incidents/${incidentId}/events`, killed(sourceId, 3));
    expect(good.status).toBe(201);
    expect((await ledger.call('GET', '/health/ready')).status).toBe(200);

    // An event written by a version whose schema has no upcaster: stored (the store does not read payloads), not foldable.
    const store = ledger.app.get<EventStore>(EVENT_STORE);
    const { data: _d, ...envelope } = killed(sourceId, 4);
    const written = await store.appendToStream(`incident-${incidentId}`, [{
      id: randomUUID(), type: 'CasualtiesReported',
      body: { ...envelope, incidentId, schemaVersion: 0, occurredAt: '2022-01-06T00:00:00.000Z', occurredPrecision: 'day', reportedAt: '2022-01-07T06:00:00.000Z', data: { count: 4 } },
    }]);
    expect(written.written).toBe(true);

    let ready = await ledger.call('GET', '/health/ready');
    for (let i = 0; i < 50 && ready.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
      ready = await ledger.call('GET', '/health/ready');
    }
    expect(ready.status).toBe(503);
    expect(ready.json).toMatchObject({ statusCode: 503, details: [expect.objectContaining({ field: 'projections', message: expect.stringContaining('No upcaster') })] });
    expect((await ledger.call('GET', '/health')).status).toBe(200);
    expect((await ledger.call('GET', `/incidents/${incidentId}`)).json.revision).toBe(1);
    const tallies = (await ledger.call('GET', `/incidents/${incidentId}/casualties`)).json;
    expect(tallies.position).toBe(good.json.position); // answers as of the last event it could fold
  });
});
