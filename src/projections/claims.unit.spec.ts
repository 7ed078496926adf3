import fc from 'fast-check';
import { byLatest } from '../core/time';
import { Claim, outdatedBefore, outdatedByLaterTotals } from './claims';
import { bounds } from './figures';

const claim = (eventId: string, day: number, best: number, low: number | null, position = day): Claim => ({
  eventId,
  sourceId: eventId,
  attributedTo: null,
  quote: null,
  occurredAt: `2022-01-0${day}T00:00:00.000Z`,
  occurredAtAsReported: `2022-01-0${day}`,
  reportedAt: '2022-01-10T00:00:00.000Z',
  position,
  correctedBy: null,
  retractedBy: null,
  figure: { ...bounds({ best }), low },
});

/** Step 4 for casualties word by word, O(n²). */
const naive = (left: Claim[]): Map<string, string> => {
  const outdated = new Map<string, string>();
  for (const c of left) {
    const by = left.filter((d) => d.occurredAt > c.occurredAt && d.figure.low !== null && d.figure.low >= c.figure.best).at(-1);
    if (by) outdated.set(c.eventId, by.eventId);
  }
  return outdated;
};

describe('outdated claims', () => {
  it('finds, for cumulative totals, what the rule word by word finds', () => {
    const claims = fc
      .array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 20 }), fc.option(fc.integer({ min: 0, max: 20 }), { nil: null })), { maxLength: 25 })
      .map((xs) => xs.map(([day, best, low], i) => claim(`c${i}`, day, best, low, i)).sort(byLatest));
    fc.assert(fc.property(claims, (left) => expect(outdatedByLaterTotals(left)).toEqual(naive(left))), { numRuns: 300 });
  });

  it('outdates troop levels strictly older than the status change, by it', () => {
    const left = [claim('a', 1, 10, 10), claim('b', 2, 10, 10), claim('c', 3, 10, 10)];
    expect(outdatedBefore({ id: 'change', occurredAt: left[1].occurredAt })(left)).toEqual(new Map([['a', 'change']]));
    expect(outdatedBefore(null)(left)).toEqual(new Map());
  });
});
