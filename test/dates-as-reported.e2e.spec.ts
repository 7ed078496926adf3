import { freshIncident, killed } from './support/fixtures';
import { RunningLedger, useLedger } from './support/ledger';

// A date-only occurredAt is stored as the start of that day in the incident's zone (UTC in answers),
// and every entry that shows it also shows it as it was reported.
const running = useLedger();
let ledger: RunningLedger;
beforeAll(() => {
  ledger = running();
});

describe('occurredAt as reported', () => {
  it('shows a date-only value as that date beside its UTC instant, and a date-time as it was sent', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger, 'Asia/Almaty');
    const day = killed(sourceId, 12, { occurredAt: '2022-01-06' });
    const exact = killed(sourceId, 10, { occurredAt: '2022-01-07T09:30:00+06:00', source: { sourceId, attributedTo: 'ministry' } });
    const measure = {
      type: 'MeasureImposed', occurredAt: '2022-01-05', source: { sourceId },
      data: { measure: 'other', description: 'ban on public gatherings' },
    };
    const res = await ledger.call('POST', `/incidents/${incidentId}/events`, { events: [day, exact, measure] });
    expect(res.status).toBe(201);

    const timeline = (await ledger.call('GET', `/incidents/${incidentId}/timeline`)).json;
    expect(timeline.entries.map((e: any) => [e.occurredAt, e.occurredAtAsReported, e.occurredPrecision])).toEqual([
      ['2022-01-04T18:00:00.000Z', '2022-01-05', 'day'],
      ['2022-01-05T18:00:00.000Z', '2022-01-06', 'day'],
      ['2022-01-07T03:30:00.000Z', '2022-01-07T09:30:00+06:00', 'exact'],
    ]);
    const tally = (await ledger.call('GET', `/incidents/${incidentId}/casualties`)).json.tallies[0];
    expect(tally.claims.map((c: any) => c.occurredAtAsReported)).toEqual(['2022-01-06', '2022-01-07T09:30:00+06:00']);
    const board = (await ledger.call('GET', `/incidents/${incidentId}/situation`)).json;
    expect(board.measures).toEqual([
      expect.objectContaining({ measure: 'other', since: '2022-01-04T18:00:00.000Z', sinceAsReported: '2022-01-05', description: 'ban on public gatherings' }),
    ]);
    const ledgerView = (await ledger.call('GET', `/sources/${sourceId}/ledger`)).json;
    expect(ledgerView.events.map((e: any) => e.occurredAtAsReported).sort()).toEqual(['2022-01-05', '2022-01-06', '2022-01-07T09:30:00+06:00']);
  });

  it('refuses a measure "other" that does not say what it is', async () => {
    const { incidentId, sourceId } = await freshIncident(ledger);
    const res = await ledger.call('POST', `/incidents/${incidentId}/events`, {
      type: 'MeasureImposed', occurredAt: '2022-01-05', source: { sourceId }, data: { measure: 'other' },
    });
    expect(res.status).toBe(400);
    expect(res.json.details).toEqual([{ field: 'data.description', message: expect.stringContaining('say what the measure is') }]);
    expect((await ledger.call('GET', `/incidents/${incidentId}`)).json.revision).toBe(-1);
  });
});
