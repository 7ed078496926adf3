import { Figure, Payloads } from '../core/events';
import { casualties } from './casualties';
import { projection, report, ReportEnvelope } from './given';

const { given } = projection(casualties);

type Casualty = Payloads['CasualtiesReported'];
const injured = (figure: Figure, envelope: ReportEnvelope = {}, key: Partial<Casualty> = {}) =>
  report('CasualtiesReported', { category: 'injured', group: 'protesters', figure, ...key }, envelope);
const retract = (eventId: string, envelope: ReportEnvelope = {}) => report('ClaimRetracted', { eventId }, envelope);
const correct = (eventId: string, change: Omit<Payloads['ClaimCorrected'], 'eventId'>, envelope: ReportEnvelope = {}) =>
  report('ClaimCorrected', { eventId, ...change }, envelope);
const voice = (sourceId: string, attributedTo?: string) => ({ source: { sourceId, ...(attributedTo && { attributedTo }) } });
const only = (figures: object, more: object = {}) => ({ tallies: [{ ...figures, ...more }] });

describe('casualties', () => {
  it('counts one claim with its source, voice and normalised figure', () => {
    given(injured({ best: 10 }, { id: 'a', occurredAt: '2022-01-05', reportedAt: '2022-01-06', source: { sourceId: 's', quote: 'ten hurt' } }))
      .when()
      .then({
        tallies: [{
          category: 'injured', group: 'protesters', scope: 'nationwide',
          low: 10, best: 10, high: 10, openEnded: false, bestFrom: 'a',
          claims: [{
            eventId: 'a', sourceId: 's', attributedTo: null, quote: 'ten hurt',
            occurredAt: '2022-01-05T00:00:00.000Z', reportedAt: '2022-01-06T00:00:00.000Z', position: 1, correctedBy: null,
            figure: { low: 10, best: 10, high: 10, qualifier: 'exact', text: null },
          }],
          excluded: [],
        }],
      });
  });

  it('keeps keys apart and orders them by category, group, then scope (nationwide by default)', () => {
    const view = given(
      injured({ best: 1 }, {}, { scope: 'Almaty' }),
      injured({ best: 2 }, {}, { category: 'killed', group: 'civilians' }),
      injured({ best: 3 }),
      injured({ best: 4 }, {}, { category: 'arrested', group: 'unspecified' }),
      injured({ best: 5 }, {}, { group: 'civilians' }),
    ).when().view();
    expect(view.tallies.map((t) => [t.category, t.group, t.scope, t.best])).toEqual([
      ['arrested', 'unspecified', 'nationwide', 4],
      ['injured', 'civilians', 'nationwide', 5],
      ['injured', 'protesters', 'Almaty', 1],
      ['injured', 'protesters', 'nationwide', 3],
      ['killed', 'civilians', 'nationwide', 2],
    ]);
  });

  describe('1. retraction', () => {
    it('leaves a retracted claim out, by the retraction; a key with every claim retracted stays, with nulls', () => {
      given(injured({ best: 164 }, { id: 'a' }), retract('a', { id: 'r' })).when().then(
        only({ low: null, best: null, high: null, openEnded: false, bestFrom: null, claims: [], excluded: [{ eventId: 'a', by: 'r', reason: 'retracted' }] }),
      );
    });

    it('names the first retraction by reportedAt, then position, when a claim is retracted twice', () => {
      const late = { occurredAt: '2022-01-07', reportedAt: '2022-01-08' };
      const early = { occurredAt: '2022-01-07', reportedAt: '2022-01-07' };
      given(injured({ best: 1 }, { id: 'a' }), retract('a', { id: 'r1', ...late }), retract('a', { id: 'r2', ...early }))
        .when()
        .then(only({ excluded: [{ eventId: 'a', by: 'r2', reason: 'retracted' }] }));
      given(injured({ best: 1 }, { id: 'a' }), retract('a', { id: 'r1', ...early }), retract('a', { id: 'r2', ...early }))
        .when()
        .then(only({ excluded: [{ eventId: 'a', by: 'r1', reason: 'retracted' }] }));
    });

    it('applies a retraction that happened after asOf, but not one not yet known or not yet logged', () => {
      const events = [
        injured({ best: 164 }, { id: 'a', occurredAt: '2022-01-05', reportedAt: '2022-01-06' }),
        retract('a', { id: 'r', occurredAt: '2022-01-07', reportedAt: '2022-01-07' }),
      ];
      given(...events).when({ asOf: '2022-01-05' }).then(only({ best: null, excluded: [{ eventId: 'a', reason: 'retracted' }] }));
      given(...events).when({ knownAt: '2022-01-06' }).then(only({ best: 164, excluded: [] }));
      given(...events).when({ atPosition: 1 }).then(only({ best: 164, excluded: [] }));
    });
  });

  describe('2. correction', () => {
    it('replaces the figure whole; the claim keeps its identity and names the correction', () => {
      given(
        injured({ best: 3, low: 2, high: 9, qualifier: 'approximately' }, { id: 'a', occurredAt: '2022-01-05', source: { sourceId: 'police' } }),
        correct('a', { figure: { best: 2 } }, { id: 'c', occurredAt: '2022-01-09', source: { sourceId: 'relief' } }),
      ).when().then(only({
        low: 2, best: 2, high: 2, bestFrom: 'a',
        claims: [{ eventId: 'a', sourceId: 'police', occurredAt: '2022-01-05T00:00:00.000Z', correctedBy: 'c', figure: { low: 2, best: 2, high: 2, qualifier: 'exact', text: null } }],
      }));
    });

    it('merges data shallowly, and moves the claim when the key changes', () => {
      const view = given(
        injured({ best: 7 }, { id: 'a' }, { scope: 'Almaty' }),
        correct('a', { data: { scope: 'Aktobe' } }, { id: 'c' }),
      ).when().view();
      expect(view.tallies).toHaveLength(1);
      expect(view.tallies[0]).toMatchObject({ category: 'injured', group: 'protesters', scope: 'Aktobe', best: 7, claims: [{ eventId: 'a', correctedBy: 'c' }] });
    });

    it('lets the later of two corrections by reportedAt win, without combining them', () => {
      given(
        injured({ best: 7 }, { id: 'a', occurredAt: '2022-01-05' }),
        correct('a', { data: { group: 'civilians' } }, { id: 'c1', occurredAt: '2022-01-06', reportedAt: '2022-01-09' }),
        correct('a', { figure: { best: 8 } }, { id: 'c2', occurredAt: '2022-01-07', reportedAt: '2022-01-08' }),
      ).when().then(only({ group: 'civilians', best: 7, claims: [{ correctedBy: 'c1' }] }));
    });

    it('counts the original figure while the correction is not yet known', () => {
      const events = [
        injured({ best: 3 }, { id: 'a', occurredAt: '2022-01-05', reportedAt: '2022-01-05' }),
        correct('a', { figure: { best: 2 } }, { id: 'c', occurredAt: '2022-01-06', reportedAt: '2022-01-07' }),
      ];
      given(...events).when({ knownAt: '2022-01-06' }).then(only({ best: 3, claims: [{ correctedBy: null }] }));
      given(...events).when({ asOf: '2022-01-05' }).then(only({ best: 2, claims: [{ correctedBy: 'c' }] }));
    });

    it('leaves out a claim both corrected and retracted', () => {
      given(injured({ best: 3 }, { id: 'a' }), correct('a', { figure: { best: 2 } }), retract('a', { id: 'r' }))
        .when()
        .then(only({ best: null, excluded: [{ eventId: 'a', by: 'r', reason: 'retracted' }] }));
    });
  });

  describe('3. one claim per voice', () => {
    it('supersedes a voice\'s earlier claims by its latest one, in "latest" order, not log order', () => {
      given(
        injured({ best: 20 }, { id: 'new', occurredAt: '2022-01-06', ...voice('s', 'ministry') }),
        injured({ best: 10 }, { id: 'old', occurredAt: '2022-01-05', ...voice('s', 'ministry') }),
      ).when().then(only({ best: 20, claims: [{ eventId: 'new' }], excluded: [{ eventId: 'old', by: 'new', reason: 'superseded' }] }));
    });

    it('supersedes even a greater figure: a voice\'s latest word is its word', () => {
      given(
        injured({ best: 30 }, { id: 'a', occurredAt: '2022-01-05', ...voice('s') }),
        injured({ best: 25 }, { id: 'b', occurredAt: '2022-01-06', ...voice('s') }),
      ).when().then(only({ low: 25, best: 25, high: 25, excluded: [{ eventId: 'a', by: 'b', reason: 'superseded' }] }));
    });

    it('hears two ministries quoted in one article as two voices', () => {
      given(
        injured({ best: 10 }, { id: 'a', occurredAt: '2022-01-05', ...voice('s', 'Interior Ministry') }),
        injured({ best: 12 }, { id: 'b', occurredAt: '2022-01-05', ...voice('s', 'Health Ministry') }),
      ).when().then(only({ low: 10, best: 12, high: 12, excluded: [] }));
    });

    it('hears two articles of one publisher as two voices', () => {
      given(
        injured({ best: 10 }, { id: 'a', occurredAt: '2022-01-05', ...voice('tass-1') }),
        injured({ best: 12 }, { id: 'b', occurredAt: '2022-01-05', ...voice('tass-2') }),
      ).when().then(only({ low: 10, high: 12, excluded: [] }));
    });
  });

  describe('4. outdated totals', () => {
    it('outdates a claim when a strictly later claim\'s low reaches its best, by the most recent such claim', () => {
      given(
        injured({ best: 10 }, { id: 'a', occurredAt: '2022-01-05', ...voice('x') }),
        injured({ best: 20 }, { id: 'b', occurredAt: '2022-01-06', ...voice('y') }),
        injured({ best: 15 }, { id: 'c', occurredAt: '2022-01-07', ...voice('z') }),
      ).when().then(only({
        low: 15, best: 15, high: 20, bestFrom: 'c',
        claims: [{ eventId: 'b' }, { eventId: 'c' }],
        excluded: [{ eventId: 'a', by: 'c', reason: 'outdated' }],
      }));
    });

    it('does not outdate on an equal occurredAt', () => {
      given(
        injured({ best: 10 }, { id: 'a', occurredAt: '2022-01-05T10:00:00Z', ...voice('x') }),
        injured({ best: 12 }, { id: 'b', occurredAt: '2022-01-05T10:00:00Z', ...voice('y') }),
      ).when().then(only({ low: 10, best: 12, high: 12, excluded: [] }));
    });

    it('does not outdate by a later claim whose low is below the best, or absent (up to)', () => {
      given(
        injured({ best: 10 }, { id: 'a', occurredAt: '2022-01-05', ...voice('x') }),
        injured({ best: 12, low: 8, qualifier: 'approximately' }, { id: 'b', occurredAt: '2022-01-06', ...voice('y') }),
        injured({ best: 50, qualifier: 'up_to' }, { id: 'c', occurredAt: '2022-01-07', ...voice('z') }),
      ).when().then(only({ low: 8, best: 12, high: 50, bestFrom: 'b', excluded: [] }));
    });

    it('compares only the claims left after step 3: a superseded or retracted claim outdates nothing', () => {
      given(
        injured({ best: 30 }, { id: 'a', occurredAt: '2022-01-05', ...voice('x') }),
        injured({ best: 50 }, { id: 'b1', occurredAt: '2022-01-06', ...voice('y') }),
        injured({ best: 5 }, { id: 'b2', occurredAt: '2022-01-07', ...voice('y') }),
        injured({ best: 90 }, { id: 'c', occurredAt: '2022-01-06', ...voice('z') }),
        retract('c', { id: 'r' }),
      ).when().then(only({
        low: 5, best: 5, high: 30,
        claims: [{ eventId: 'a' }, { eventId: 'b2' }],
        excluded: [{ eventId: 'b1', by: 'b2', reason: 'superseded' }, { eventId: 'c', by: 'r', reason: 'retracted' }],
      }));
    });

    it('lets an open-ended later claim outdate through its low', () => {
      given(
        injured({ best: 100 }, { id: 'a', occurredAt: '2022-01-05', ...voice('x') }),
        injured({ best: 150, qualifier: 'more_than' }, { id: 'b', occurredAt: '2022-01-06', ...voice('y') }),
      ).when().then(only({ low: 150, best: 150, high: null, openEnded: true, excluded: [{ eventId: 'a', by: 'b', reason: 'outdated' }] }));
    });
  });

  describe('summary', () => {
    it('takes best from the most recent exact or approximate claim, the bounds from all of them', () => {
      given(
        injured({ best: 100 }, { id: 'a', occurredAt: '2022-01-05', ...voice('x') }),
        injured({ best: 80, qualifier: 'more_than' }, { id: 'b', occurredAt: '2022-01-05', reportedAt: '2022-01-06', ...voice('y') }),
      ).when().then(only({ low: 80, best: 100, high: 100, openEnded: true, bestFrom: 'a' }));
    });

    it('takes best from the most recent claim when none is exact or approximate', () => {
      given(
        injured({ best: 50, qualifier: 'at_least' }, { id: 'a', occurredAt: '2022-01-05', ...voice('x') }),
        injured({ best: 70, qualifier: 'up_to' }, { id: 'b', occurredAt: '2022-01-05', reportedAt: '2022-01-06', ...voice('y') }),
      ).when().then(only({ low: 50, best: 70, high: 70, openEnded: true, bestFrom: 'b' }));
    });

    it('breaks ties in "latest" order by reportedAt, then position', () => {
      const day = { occurredAt: '2022-01-05' };
      given(
        injured({ best: 1 }, { id: 'a', ...day, reportedAt: '2022-01-07', ...voice('x') }),
        injured({ best: 2 }, { id: 'b', ...day, reportedAt: '2022-01-06', ...voice('y') }),
      ).when().then(only({ best: 1, bestFrom: 'a', claims: [{ eventId: 'b' }, { eventId: 'a' }] }));
      given(
        injured({ best: 1 }, { id: 'a', ...day, reportedAt: '2022-01-06', ...voice('x') }),
        injured({ best: 2 }, { id: 'b', ...day, reportedAt: '2022-01-06', ...voice('y') }),
      ).when().then(only({ best: 2, bestFrom: 'b', claims: [{ eventId: 'a' }, { eventId: 'b' }] }));
    });

    it('sorts a late report about an earlier day before the claims it is older than', () => {
      given(
        injured({ best: 40 }, { id: 'today', occurredAt: '2022-01-08', reportedAt: '2022-01-08', ...voice('x') }),
        injured({ best: 45 }, { id: 'late', occurredAt: '2022-01-06', reportedAt: '2022-01-10', ...voice('y') }),
      ).when().then(only({ low: 40, best: 40, high: 45, bestFrom: 'today', claims: [{ eventId: 'late' }, { eventId: 'today' }] }));
    });
  });

  describe('clocks', () => {
    const events = [
      injured({ best: 10 }, { id: 'a', occurredAt: '2022-01-05', reportedAt: '2022-01-05', ...voice('x') }),
      injured({ best: 20 }, { id: 'b', occurredAt: '2022-01-06', reportedAt: '2022-01-09', ...voice('y') }),
      injured({ best: 30 }, { id: 'c', occurredAt: '2022-01-07', reportedAt: '2022-01-07', ...voice('z') }),
    ];
    const bestOf = (view: { tallies: { best: number | null }[] }) => view.tallies.map((t) => t.best);

    it('asOf keeps what had happened by the end of that day', () => {
      expect(bestOf(given(...events).when({ asOf: '2022-01-06' }).view())).toEqual([20]);
    });

    it('knownAt keeps what had been reported by then', () => {
      expect(bestOf(given(...events).when({ knownAt: '2022-01-07' }).view())).toEqual([30]);
      expect(given(...events).when({ knownAt: '2022-01-07' }).view().tallies[0].claims.map((c) => c.eventId)).toEqual(['c']);
    });

    it('atPosition keeps what the log held', () => {
      expect(bestOf(given(...events).when({ atPosition: 2 }).view())).toEqual([20]);
    });

    it('combines the three', () => {
      expect(bestOf(given(...events).when({ asOf: '2022-01-06', knownAt: '2022-01-08' }).view())).toEqual([10]);
      expect(bestOf(given(...events).when({ asOf: '2022-01-07', knownAt: '2022-01-08', atPosition: 2 }).view())).toEqual([10]);
    });

    it('leaves a key out when none of its events passes', () => {
      expect(given(...events).when({ asOf: '2022-01-04' }).view()).toEqual({ tallies: [] });
    });
  });
});
