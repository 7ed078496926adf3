import { projection, report } from './given';
import { timeline } from './timeline';

const { given } = projection(timeline);

const killed = (best: number) => report('CasualtiesReported', { category: 'killed', group: 'security_forces', figure: { best } });

describe('timeline', () => {
  it('lists each event with its clocks, summary, location and source', () => {
    given(
      report('MeasureImposed', { measure: 'state_of_emergency', scope: 'Almaty' }, {
        id: 'a', occurredAt: '2022-01-05T01:00:00Z', reportedAt: '2022-01-05T02:00:00Z',
        location: { name: 'Almaty', lat: 43.24, lon: 76.89, precision: 'city' },
        source: { sourceId: 'akorda', attributedTo: 'President' },
      }),
      report('StatementMade', { speaker: 'Tokayev', summary: 'Order restored' }, { id: 'b', occurredAt: '2022-01-07' }),
    ).when().then({
      entries: [
        {
          eventId: 'a', type: 'MeasureImposed', occurredAt: '2022-01-05T01:00:00.000Z', occurredPrecision: 'exact',
          reportedAt: '2022-01-05T02:00:00.000Z', position: 1, summary: 'State of emergency imposed (Almaty)',
          location: { name: 'Almaty', lat: 43.24, lon: 76.89, precision: 'city' }, sourceId: 'akorda', attributedTo: 'President',
          retracted: false, corrected: false,
        },
        { eventId: 'b', occurredPrecision: 'day', summary: 'Tokayev: Order restored', location: null, attributedTo: null },
      ],
    });
  });

  it('orders by occurredAt, then reportedAt, then position: a late report about an earlier day comes first', () => {
    const view = given(
      report('StatementMade', { speaker: 'A', summary: '1' }, { id: 'today', occurredAt: '2022-01-08' }),
      report('StatementMade', { speaker: 'B', summary: '2' }, { id: 'late', occurredAt: '2022-01-06', reportedAt: '2022-01-10' }),
      report('StatementMade', { speaker: 'C', summary: '3' }, { id: 'tie-2', occurredAt: '2022-01-06', reportedAt: '2022-01-09' }),
      report('StatementMade', { speaker: 'D', summary: '4' }, { id: 'tie-1', occurredAt: '2022-01-06', reportedAt: '2022-01-09' }),
    ).when().view();
    expect(view.entries.map((e) => e.eventId)).toEqual(['tie-2', 'tie-1', 'late', 'today']);
  });

  it('flags retracted and corrected events, listing the retractions and corrections themselves', () => {
    given(
      killed(164),
      killed(16),
      report('ClaimRetracted', { eventId: 'e1', reason: 'technical error' }),
      report('ClaimCorrected', { eventId: 'e2', figure: { best: 18 } }),
    ).when().then({
      entries: [
        { eventId: 'e1', retracted: true, corrected: false, summary: 'Killed security forces: 164' },
        { eventId: 'e2', retracted: false, corrected: true, summary: 'Killed security forces: 16' },
        { eventId: 'e3', type: 'ClaimRetracted', summary: 'Claim retracted: technical error' },
        { eventId: 'e4', type: 'ClaimCorrected', summary: 'Claim corrected: figure 18' },
      ],
    });
  });

  it('flags by statements known whatever asOf says, but lists a statement only once it happened', () => {
    const events = [
      killed(164),
      report('ClaimRetracted', { eventId: 'e1' }, { occurredAt: '2022-01-09', reportedAt: '2022-01-09' }),
    ];
    given(...events).when({ asOf: '2022-01-06' }).then({ entries: [{ eventId: 'e1', retracted: true }] });
    given(...events).when({ knownAt: '2022-01-08' }).then({ entries: [{ eventId: 'e1', retracted: false }] });
    given(...events).when({ atPosition: 1 }).then({ entries: [{ eventId: 'e1', retracted: false }] });
    given(...events).when().then({ entries: [{ eventId: 'e1', retracted: true }, { eventId: 'e2' }] });
  });

  it('summarises troops, casualties and facilities in one line', () => {
    const view = given(
      report('TroopsDeployed', { contributor: 'Russia', force: 'CSTO', status: 'arriving', strength: { best: 2000, qualifier: 'more_than' } }),
      report('TroopsWithdrawn', { contributor: 'Russia', completed: false, strength: { best: 300 } }),
      report('CasualtiesReported', { category: 'arrested', group: 'unspecified', scope: 'Almaty', figure: { best: 5800, qualifier: 'approximately' } }, { source: { sourceId: 's', attributedTo: 'Interior Ministry' } }),
      report('FacilityControlChanged', { facility: 'Almaty airport', controlledBy: 'CSTO forces', previousController: 'protesters' }),
    ).when().view();
    expect(view.entries.map((e) => e.summary)).toEqual([
      'Russia troops (CSTO) arriving: more than 2000',
      'Russia troops withdrawing: 300 remain',
      'Arrested people in Almaty: about 5800 (Interior Ministry)',
      'Almaty airport taken by CSTO forces from protesters',
    ]);
  });
});
