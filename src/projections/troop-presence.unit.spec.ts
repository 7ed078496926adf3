import { Figure, Payloads } from '../core/events';
import { projection, report, ReportEnvelope } from './given';
import { troopPresence } from './troop-presence';

const { given } = projection(troopPresence);

const deployed = (data: Partial<Payloads['TroopsDeployed']>, envelope: ReportEnvelope = {}) =>
  report('TroopsDeployed', { status: 'deployed', ...data }, envelope);
const withdrawn = (data: Partial<Payloads['TroopsWithdrawn']>, envelope: ReportEnvelope = {}) =>
  report('TroopsWithdrawn', { completed: true, ...data }, envelope);
const authorized = (contributors: string[], envelope: ReportEnvelope = {}) =>
  report('DeploymentAuthorized', { authority: 'CSTO Collective Security Council', contributors }, envelope);
const exactly = (best: number): Figure => ({ best });
const on = (day: number, sourceId = `s${day}`) => ({ occurredAt: `2022-01-${String(day).padStart(2, '0')}`, source: { sourceId } });
const nothing = { low: null, best: null, high: null, openEnded: false, bestFrom: null, claims: [] };

describe('troop presence', () => {
  it('lists requests and authorizations in "latest" order; who was asked is not a contributor', () => {
    given(
      authorized(['Russia'], { id: 'auth', ...on(6) }),
      report('AssistanceRequested', { requestedBy: 'President Tokayev', requestedFrom: 'CSTO' }, { id: 'req', ...on(5) }),
    ).when().then({
      requests: [{ requestedBy: 'President Tokayev', requestedFrom: 'CSTO', at: '2022-01-05T00:00:00.000Z', eventId: 'req' }],
      authorizations: [{ authority: 'CSTO Collective Security Council', contributors: ['Russia'], at: '2022-01-06T00:00:00.000Z', eventId: 'auth' }],
      contributors: [{ contributor: 'Russia', force: null, status: 'authorized', strength: { ...nothing, excluded: [] }, firstArrivedAt: null, withdrawnAt: null }],
      forces: [],
      total: { low: null, best: null, high: null, openEnded: false, from: 'contributors' },
    });
  });

  it('leaves retracted requests and authorizations out, and applies corrections to them', () => {
    given(
      report('AssistanceRequested', { requestedBy: 'Tokayev', requestedFrom: 'CSTO' }, { id: 'req' }),
      authorized(['Russia'], { id: 'auth' }),
      report('ClaimRetracted', { eventId: 'req' }),
      report('ClaimCorrected', { eventId: 'auth', data: { contributors: ['Russia', 'Armenia'] } }),
    ).when().then({
      requests: [],
      authorizations: [{ contributors: ['Russia', 'Armenia'] }],
      contributors: [{ contributor: 'Armenia', status: 'authorized' }, { contributor: 'Russia', status: 'authorized' }],
    });
  });

  it('follows a contributor from authorized to arriving to deployed, arriving at its first deployment', () => {
    const events = [
      authorized(['Russia'], on(6)),
      deployed({ contributor: 'Russia', force: 'CSTO', status: 'arriving', strength: exactly(1000) }, { id: 'd1', ...on(7) }),
      deployed({ contributor: 'Russia', status: 'deployed', strength: exactly(2000) }, { id: 'd2', ...on(9) }),
    ];
    given(...events).when({ asOf: '2022-01-08' }).then({
      contributors: [{ contributor: 'Russia', force: 'CSTO', status: 'arriving', strength: { best: 1000 }, firstArrivedAt: '2022-01-07T00:00:00.000Z' }],
    });
    given(...events).when().then({
      contributors: [{
        status: 'deployed', firstArrivedAt: '2022-01-07T00:00:00.000Z', withdrawnAt: null,
        strength: { low: 1000, best: 2000, high: 2000, excluded: [] },
      }],
      total: { low: 1000, best: 2000, high: 2000, from: 'contributors' },
    });
  });

  it('counts a change of status value only: a second "deployed" outdates nothing', () => {
    given(
      deployed({ contributor: 'Russia', strength: exactly(1000) }, { id: 'a', ...on(7) }),
      deployed({ contributor: 'Russia' }, { id: 'b', ...on(8) }),
      deployed({ contributor: 'Russia', strength: exactly(1200) }, { id: 'c', ...on(9) }),
    ).when().then({ contributors: [{ status: 'deployed', strength: { low: 1000, best: 1200, high: 1200, excluded: [] } }] });
  });

  it('changes no level from arriving to deployed: the spread of the arriving force\'s figures stays', () => {
    given(
      deployed({ contributor: 'Russia', status: 'arriving', strength: exactly(1000) }, { id: 'a', ...on(7) }),
      deployed({ contributor: 'Russia', status: 'deployed' }, { id: 'change', ...on(8, 'x') }),
      deployed({ contributor: 'Russia', strength: exactly(900) }, { id: 'same-day', ...on(8, 'y'), reportedAt: '2022-01-09' }),
    ).when().then({
      contributors: [{
        status: 'deployed',
        strength: { low: 900, best: 900, high: 1000, claims: [{ eventId: 'a' }, { eventId: 'same-day' }], excluded: [] },
      }],
    });
  });

  it('outdates claims strictly older than the latest withdrawal step, by that step, even one without a strength', () => {
    given(
      deployed({ contributor: 'Russia', strength: exactly(1000) }, { id: 'a', ...on(7) }),
      deployed({ contributor: 'Russia', strength: exactly(900) }, { id: 'same-day', ...on(10, 'y'), reportedAt: '2022-01-10T12:00:00Z' }),
      withdrawn({ contributor: 'Russia', completed: false }, { id: 'step', ...on(10, 'x'), reportedAt: '2022-01-11T12:00:00Z' }),
    ).when().then({
      contributors: [{
        status: 'withdrawing',
        strength: { best: 900, claims: [{ eventId: 'same-day' }], excluded: [{ eventId: 'a', by: 'step', reason: 'outdated' }] },
      }],
    });
  });

  it('counts a return after a withdrawal as a level change', () => {
    given(
      deployed({ contributor: 'Russia', strength: exactly(1000) }, { id: 'a', ...on(7) }),
      withdrawn({ contributor: 'Russia', completed: true }, { id: 'out', ...on(12) }),
      deployed({ contributor: 'Russia', status: 'arriving' }, { id: 'back', ...on(15) }),
      deployed({ contributor: 'Russia', strength: exactly(300) }, { id: 'later', ...on(16) }),
    ).when().then({
      contributors: [{
        status: 'deployed',
        strength: {
          best: 300, claims: [{ eventId: 'later' }],
          excluded: [{ eventId: 'a', by: 'back', reason: 'outdated' }, { eventId: 'out', by: 'back', reason: 'outdated' }],
        },
      }],
      total: { low: 300, best: 300, high: 300, openEnded: false },
    });
  });

  it('supersedes a voice\'s earlier strength claims', () => {
    given(
      deployed({ contributor: 'Russia', strength: exactly(3000) }, { id: 'a', ...on(7, 'tass') }),
      deployed({ contributor: 'Russia', strength: exactly(2500) }, { id: 'b', ...on(8, 'tass') }),
    ).when().then({ contributors: [{ strength: { best: 2500, excluded: [{ eventId: 'a', by: 'b', reason: 'superseded' }] } }] });
  });

  it('makes a contributor withdrawing, then withdrawn: a completed withdrawal without strength claims 0', () => {
    const events = [
      deployed({ contributor: 'Russia', strength: exactly(2000) }, { id: 'a', ...on(7) }),
      withdrawn({ contributor: 'Russia', completed: false, strength: exactly(500) }, { id: 'b', ...on(13) }),
      withdrawn({ contributor: 'Russia' }, { id: 'c', ...on(19) }),
    ];
    given(...events).when({ asOf: '2022-01-15' }).then({
      contributors: [{ status: 'withdrawing', withdrawnAt: null, strength: { best: 500 } }],
      total: { best: 500 },
    });
    given(...events).when().then({
      contributors: [{
        status: 'withdrawn', withdrawnAt: '2022-01-19T00:00:00.000Z',
        strength: { low: 0, best: 0, high: 0, bestFrom: 'c', claims: [{ eventId: 'c', figure: { best: 0, qualifier: 'exact' } }] },
      }],
      total: { low: 0, best: 0, high: 0, from: 'contributors' },
    });
  });

  it('lets a completed withdrawal with a strength claim that strength', () => {
    given(withdrawn({ contributor: 'Russia', strength: exactly(40) })).when().then({ contributors: [{ status: 'withdrawn', strength: { best: 40 } }] });
  });

  it('totals the contributors present; an open-ended one makes high null', () => {
    given(
      authorized(['Armenia', 'Belarus', 'Russia', 'Tajikistan']),
      deployed({ contributor: 'Russia', strength: { best: 2000, qualifier: 'at_least' } }),
      deployed({ contributor: 'Belarus', strength: { best: 150, low: 100, high: 200 } }),
      deployed({ contributor: 'Tajikistan', strength: exactly(200) }),
      withdrawn({ contributor: 'Tajikistan', strength: exactly(10) }),
    ).when().then({
      contributors: [
        { contributor: 'Armenia', status: 'authorized' },
        { contributor: 'Belarus', status: 'deployed' },
        { contributor: 'Russia', status: 'deployed' },
        { contributor: 'Tajikistan', status: 'withdrawn' },
      ],
      total: { low: 2100, best: 2150, high: null, openEnded: true, from: 'contributors' },
    });
  });

  it('does not read unknown as zero: a present contributor with no counted strength leaves the total open-ended', () => {
    given(
      deployed({ contributor: 'Belarus', strength: exactly(150) }),
      deployed({ contributor: 'Russia', status: 'arriving' }),
    ).when().then({ total: { low: 150, best: 150, high: null, openEnded: true, from: 'contributors' } });
  });

  it('gives an unknown total when nobody present has a counted strength', () => {
    given(deployed({ contributor: 'Russia' }), withdrawn({ contributor: 'Belarus', completed: false }))
      .when()
      .then({ total: { low: null, best: null, high: null, openEnded: true, from: 'contributors' } });
  });

  it('sums only the lows that are known: an up-to figure has none', () => {
    given(
      deployed({ contributor: 'Belarus', strength: { best: 150, qualifier: 'up_to' } }),
      deployed({ contributor: 'Russia', strength: { best: 200, qualifier: 'up_to' } }),
    ).when().then({ total: { low: null, best: 350, high: 350, openEnded: false } });
    given(
      deployed({ contributor: 'Belarus', strength: { best: 150, qualifier: 'up_to' } }),
      deployed({ contributor: 'Russia', strength: exactly(200) }),
    ).when().then({ total: { low: 200, best: 350, high: 350, openEnded: false } });
  });

  it('is 0 only when every contributor that was present has left', () => {
    given(authorized(['Armenia', 'Russia']), deployed({ contributor: 'Russia', strength: exactly(2000) }), withdrawn({ contributor: 'Russia', strength: exactly(5) }))
      .when()
      .then({ total: { low: 0, best: 0, high: 0, openEnded: false, from: 'contributors' } });
  });

  it('totals the forces\' summaries when there are whole-force claims', () => {
    given(
      deployed({ contributor: 'Russia', force: 'CSTO', strength: exactly(2000) }),
      deployed({ force: 'CSTO', strength: exactly(2500) }, { id: 'f1', ...on(7, 'a') }),
      deployed({ force: 'CSTO', strength: { best: 2000, qualifier: 'more_than' } }, { id: 'f2', ...on(8, 'b') }),
    ).when().then({
      contributors: [{ contributor: 'Russia', force: 'CSTO', strength: { best: 2000 } }],
      forces: [{ force: 'CSTO', status: 'deployed', strength: { low: 2000, best: 2500, high: 2500, openEnded: true }, firstArrivedAt: '2022-01-07T00:00:00.000Z' }],
      total: { low: 2000, best: 2500, high: 2500, openEnded: true, from: 'forces' },
    });
  });

  it('falls back to the contributors when the whole-force claims are retracted', () => {
    given(
      deployed({ contributor: 'Russia', strength: exactly(2000) }),
      deployed({ force: 'CSTO', strength: exactly(2500) }, { id: 'f' }),
      report('ClaimRetracted', { eventId: 'f' }, { id: 'r' }),
    ).when().then({
      forces: [{ force: 'CSTO', status: null, strength: { ...nothing, excluded: [{ eventId: 'f', by: 'r', reason: 'retracted' }] } }],
      total: { best: 2000, from: 'contributors' },
    });
  });

  it('moves a claim to the contributor a correction names, and applies a corrected strength', () => {
    given(
      deployed({ contributor: 'Rusia', strength: exactly(2000) }, { id: 'a' }),
      report('ClaimCorrected', { eventId: 'a', data: { contributor: 'Russia' }, figure: exactly(2030) }, { id: 'c' }),
    ).when().then({ contributors: [{ contributor: 'Russia', strength: { best: 2030, claims: [{ eventId: 'a', correctedBy: 'c' }] } }] });
  });

  it('orders contributors alphabetically and reads statuses in "latest" order, not log order', () => {
    given(
      withdrawn({ contributor: 'Russia' }, on(19)),
      deployed({ contributor: 'Russia' }, on(7)),
      deployed({ contributor: 'Armenia' }, on(8)),
    ).when().then({ contributors: [{ contributor: 'Armenia', status: 'deployed' }, { contributor: 'Russia', status: 'withdrawn' }] });
  });

  it('keeps an authorized contributor authorized when its only report is retracted', () => {
    given(authorized(['Russia']), deployed({ contributor: 'Russia' }, { id: 'a' }), report('ClaimRetracted', { eventId: 'a' }))
      .when()
      .then({ contributors: [{ contributor: 'Russia', status: 'authorized', firstArrivedAt: null }] });
  });
});
