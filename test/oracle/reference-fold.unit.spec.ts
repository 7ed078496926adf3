// The oracle of the property specs (reference-fold.ts) on small histories worked out by hand from EVENTS.md:
// so that a property that stays green means the read models follow the spec, not that both sides share a mistake.
import { RefEvent, referenceCasualties, referenceSituation, referenceTimeline, referenceTroops, RefFilters } from './reference-fold';

describe('the reference fold (worked examples)', () => {
  const at = (day: number, hour = 0) => `2022-01-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;
  const ev = (id: string, type: string, day: number, data: object, extra: Partial<RefEvent> = {}): RefEvent => ({
    id, type, occurredAt: at(day), reportedAt: at(day, 6), position: Number(id.slice(1)), source: { sourceId: 's1' }, data, ...extra,
  });
  const none: RefFilters = { asOf: null, knownAt: null, atPosition: null };

  it('applies a retraction made after asOf, and not one made after knownAt', () => {
    const events = [
      ev('e1', 'CasualtiesReported', 5, { category: 'killed', group: 'civilians', figure: { best: 10 } }),
      ev('e2', 'ClaimRetracted', 10, { eventId: 'e1' }),
    ];
    const [onThe9th] = referenceCasualties(events, { ...none, asOf: at(9) });
    expect(onThe9th).toMatchObject({ best: null, claims: [], excluded: [{ eventId: 'e1', by: 'e2', reason: 'retracted' }] });
    const [knownOnThe9th] = referenceCasualties(events, { ...none, knownAt: at(9) });
    expect(knownOnThe9th).toMatchObject({ low: 10, best: 10, high: 10, bestFrom: 'e1', excluded: [] });
    expect(referenceTimeline(events, { ...none, asOf: at(9) })).toEqual([{ eventId: 'e1', type: 'CasualtiesReported', occurredAt: at(5), retracted: true, corrected: false }]);
  });

  it('outdates a casualty total only by a strictly later claim whose low reaches its best; best from the latest exact one', () => {
    const events = [
      ev('e1', 'CasualtiesReported', 5, { category: 'killed', group: 'civilians', figure: { best: 10 } }),
      ev('e2', 'CasualtiesReported', 5, { category: 'killed', group: 'civilians', figure: { best: 30, qualifier: 'at_least' } }, { source: { sourceId: 's2' } }),
      ev('e3', 'CasualtiesReported', 6, { category: 'killed', group: 'civilians', figure: { best: 12, qualifier: 'up_to' } }, { source: { sourceId: 's3' } }),
      ev('e4', 'CasualtiesReported', 7, { category: 'killed', group: 'civilians', figure: { best: 11, qualifier: 'approximately' } }),
    ];
    // e4 supersedes e1 (same voice); e2 (same day as nothing later with low >= 30) and e3 (low null) stay.
    expect(referenceCasualties(events, none)[0]).toMatchObject({
      low: 11, best: 11, high: 12, openEnded: true, bestFrom: 'e4',
      excluded: [{ eventId: 'e1', by: 'e4', reason: 'superseded' }],
    });
  });

  it('outdates troop strength only by a change of level; sums the units present, unknown is not zero', () => {
    const deployed = (id: string, day: number, contributor: string, status: string, best?: number, sourceId = 's1') =>
      ev(id, 'TroopsDeployed', day, { contributor, status, ...(best !== undefined && { strength: { best } }) }, { source: { sourceId } });
    const withdrawn = (id: string, day: number, contributor: string, completed: boolean, best?: number) =>
      ev(id, 'TroopsWithdrawn', day, { contributor, completed, ...(best !== undefined && { strength: { best } }) }, { source: { sourceId: 's2' } });
    const events = [
      ev('e1', 'DeploymentAuthorized', 5, { authority: 'CSTO', contributors: ['Armenia', 'Russia', 'Tajikistan'] }),
      deployed('e2', 6, 'Russia', 'arriving', 1000),
      deployed('e3', 7, 'Russia', 'deployed', undefined, 's3'), // arriving -> deployed: no change of level
      deployed('e4', 6, 'Armenia', 'deployed'), // present, strength unknown
    ];
    const t = referenceTroops(events, none);
    expect(t.contributors.map((c) => [c.contributor, c.status, c.strength.best])).toEqual([
      ['Armenia', 'deployed', null], ['Russia', 'deployed', 1000], ['Tajikistan', 'authorized', null],
    ]);
    expect(t.total).toEqual({ low: 1000, best: 1000, high: null, openEnded: true, from: 'contributors' });

    const later = [...events, withdrawn('e5', 9, 'Russia', false, 400), deployed('e6', 10, 'Russia', 'deployed')];
    const russia = referenceTroops(later, none).contributors.find((c) => c.contributor === 'Russia')!;
    // The return on the 10th (after withdrawing) is the latest change of level: e5's 400 is outdated by it too.
    expect(russia.strength).toMatchObject({ best: null, excluded: [{ eventId: 'e2', by: 'e6', reason: 'outdated' }, { eventId: 'e5', by: 'e6', reason: 'outdated' }] });

    const gone = [events[0], events[1], withdrawn('e5', 9, 'Russia', true)];
    expect(referenceTroops(gone, none).total).toEqual({ low: 0, best: 0, high: 0, openEnded: false, from: 'contributors' });
    expect(referenceTroops([events[0]], none).total).toEqual({ low: null, best: null, high: null, openEnded: false, from: 'contributors' });
  });

  it('describes a measure by its latest imposition and dates it from its latest change', () => {
    const events = [
      ev('e1', 'MeasureImposed', 5, { measure: 'other', description: 'roadblocks' }),
      ev('e2', 'MeasureImposed', 6, { measure: 'other', description: 'checkpoints' }),
      ev('e3', 'MeasureLifted', 8, { measure: 'other' }),
    ];
    expect(referenceSituation(events, none).measures).toEqual([
      { measure: 'other', scope: 'nationwide', active: false, since: at(8), description: 'checkpoints', eventId: 'e3' },
    ]);
    expect(referenceSituation(events, { ...none, asOf: at(7) }).measures).toEqual([
      { measure: 'other', scope: 'nationwide', active: true, since: at(5), description: 'checkpoints', eventId: 'e1' },
    ]);
  });
});
