import { stored, report, clocks, viewOf } from './given';
import { sourceLedger } from './source-ledger';

const reuters = { source: { sourceId: 'reuters', quote: 'at least 164 killed', attributedTo: 'Health Ministry' } };
const events = stored(
  report('CasualtiesReported', { category: 'killed', group: 'unspecified', figure: { best: 164, qualifier: 'at_least' } }, { id: 'a', occurredAt: '2022-01-08', ...reuters }),
  report('StatementMade', { speaker: 'Tokayev', summary: 'Terrorists' }, { id: 'b', occurredAt: '2022-01-07', source: { sourceId: 'akorda' } }),
  report('TroopsDeployed', { contributor: 'Russia', status: 'arriving' }, { id: 'c', occurredAt: '2022-01-06', source: { sourceId: 'reuters' }, incidentId: 'other-incident' }),
  report('ClaimRetracted', { eventId: 'a' }, { id: 'r', occurredAt: '2022-01-09', reportedAt: '2022-01-09', source: { sourceId: 'akorda' } }),
);
const ledger = (sourceId: string, c = {}) => viewOf(sourceLedger, events, clocks(c), sourceId);

describe('source ledger', () => {
  it('reads the partition of its source', () => {
    expect(sourceLedger.partitionOf('reuters')).toBe('source:reuters');
  });

  it('lists a source\'s events across incidents in "latest" order, with the figures they carry', () => {
    expect(ledger('reuters')).toEqual({
      sourceId: 'reuters',
      events: [
        {
          eventId: 'c', incidentId: 'other-incident', type: 'TroopsDeployed', occurredAt: '2022-01-06T00:00:00.000Z', occurredAtAsReported: '2022-01-06',
          reportedAt: '2022-01-06T06:00:00.000Z', position: 3, quote: null, attributedTo: null,
          summary: 'Russia troops arriving', figure: null, retracted: false, corrected: false,
        },
        {
          eventId: 'a', incidentId: 'incident-1', type: 'CasualtiesReported', occurredAt: '2022-01-08T00:00:00.000Z', occurredAtAsReported: '2022-01-08',
          reportedAt: '2022-01-08T06:00:00.000Z', position: 1, quote: 'at least 164 killed', attributedTo: 'Health Ministry',
          summary: 'Killed people: at least 164 (Health Ministry)',
          figure: { low: 164, best: 164, high: null, qualifier: 'at_least', text: null }, retracted: true, corrected: false,
        },
      ],
    });
  });

  it('applies the clocks as everywhere: flags by what was known, events by all three', () => {
    expect(ledger('reuters', { asOf: '2022-01-08' }).events.map((e) => [e.eventId, e.retracted])).toEqual([['c', false], ['a', true]]);
    expect(ledger('reuters', { knownAt: '2022-01-08' }).events.map((e) => [e.eventId, e.retracted])).toEqual([['c', false], ['a', false]]);
    expect(ledger('akorda', { asOf: '2022-01-08' }).events.map((e) => e.eventId)).toEqual(['b']);
    expect(ledger('akorda').events.map((e) => e.eventId)).toEqual(['b', 'r']);
  });

  it('answers an empty ledger for a source without events, whatever its id', () => {
    expect(ledger('nobody')).toEqual({ sourceId: 'nobody', events: [] });
    expect(ledger('__proto__')).toEqual({ sourceId: '__proto__', events: [] });
    expect(ledger('constructor')).toEqual({ sourceId: 'constructor', events: [] });
  });
});
