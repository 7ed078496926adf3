// Random crises for the property specs: events of every type, with retractions and corrections of earlier
// ones, on a coarse grid of times so that ties in occurredAt and reportedAt (and clocks right on them) are
// common; and random filters on the same grid.
import fc from 'fast-check';
import { Figure, IncidentEvent, Payloads } from '../../src/core/events';
import { Filters } from '../../src/core/filters';
import { report, Report, stored } from '../../src/projections/given';

export const SOURCES = ['s1', 's2', 's3'];
const START = Date.parse('2022-01-04T00:00:00.000Z');
/** Times on a coarse grid (4 hours), so that equal occurredAt and reportedAt, and clocks right on them, are common. */
const STEP = 4;
const STEPS = 24;
const iso = (hour: number) => new Date(START + hour * 3_600_000).toISOString();
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const figure: fc.Arbitrary<Figure> = fc
  .record({
    best: fc.integer({ min: 0, max: 60 }),
    spread: fc.integer({ min: 0, max: 10 }),
    qualifier: maybe(fc.constantFrom('exact', 'approximately', 'at_least', 'more_than', 'up_to' as const)),
    explicit: fc.constantFrom('none', 'both', 'low', 'high' as const),
    text: maybe(fc.constant('some')),
  })
  .map(({ best, spread, qualifier, explicit, text }) => ({
    best,
    ...(qualifier && { qualifier }),
    ...((explicit === 'both' || explicit === 'low') && { low: Math.max(0, best - spread) }),
    ...((explicit === 'both' || explicit === 'high') && { high: best + spread }),
    ...(text && { text }),
  }));

const party = fc
  .record({ contributor: maybe(fc.constantFrom('Armenia', 'Russia')), force: maybe(fc.constant('CSTO')) })
  .map(({ contributor, force }) => (contributor || force ? { contributor, force } : { force: 'CSTO' }))
  .map((p) => JSON.parse(JSON.stringify(p)) as { contributor?: string; force?: string });

type World = { [T in keyof Payloads]: { type: T; data: Payloads[T] } }[keyof Payloads];
const about = <T extends keyof Payloads>(type: T, data: fc.Arbitrary<Payloads[T]>): fc.Arbitrary<World> =>
  data.map((d) => ({ type, data: JSON.parse(JSON.stringify(d)) }) as World);

const happening: fc.Arbitrary<World> = fc.oneof(
  { weight: 3, arbitrary: about('CasualtiesReported', fc.record({ category: fc.constantFrom('killed', 'injured' as const), group: fc.constantFrom('protesters', 'civilians' as const), scope: maybe(fc.constant('Almaty')), figure })) },
  { weight: 3, arbitrary: about('TroopsDeployed', fc.tuple(party, maybe(figure), fc.constantFrom('arriving', 'deployed' as const)).map(([p, strength, status]) => ({ ...p, strength, status }))) },
  { weight: 2, arbitrary: about('TroopsWithdrawn', fc.tuple(party, maybe(figure), fc.boolean()).map(([p, strength, completed]) => ({ ...p, strength, completed }))) },
  { weight: 1, arbitrary: about('DeploymentAuthorized', fc.record({ authority: fc.constant('CSTO'), contributors: maybe(fc.subarray(['Armenia', 'Russia'])) })) },
  { weight: 1, arbitrary: about('AssistanceRequested', fc.record({ requestedBy: fc.constant('Tokayev'), requestedFrom: fc.constant('CSTO') })) },
  { weight: 1, arbitrary: about('MeasureImposed', fc.record({ measure: fc.constantFrom('curfew', 'other' as const), scope: maybe(fc.constant('Almaty')), description: maybe(fc.constantFrom('roadblocks', 'no gatherings')) })) },
  { weight: 1, arbitrary: about('MeasureLifted', fc.record({ measure: fc.constantFrom('curfew', 'other' as const), scope: maybe(fc.constant('Almaty')) })) },
  { weight: 1, arbitrary: about('FacilityControlChanged', fc.record({ facility: fc.constantFrom('airport', 'akimat'), controlledBy: fc.constantFrom('protesters', 'army') })) },
  { weight: 1, arbitrary: about('OfficialStatusChanged', fc.record({ person: fc.constantFrom('Massimov', 'Mamin'), role: maybe(fc.constantFrom('minister', 'chairman')), change: fc.constantFrom('removed', 'detained' as const) })) },
  { weight: 1, arbitrary: about('GovernmentChanged', fc.record({ body: fc.constantFrom('Government', 'Senate'), change: fc.constantFrom('resigned', 'appointed' as const) })) },
  { weight: 1, arbitrary: about('ProtestReported', fc.record({ description: fc.constant('Rally'), participants: maybe(figure) })) },
  { weight: 1, arbitrary: about('StatementMade', fc.record({ speaker: fc.constant('Tokayev'), summary: fc.constant('Order restored') })) },
);

type Statement = { kind: 'retract' | 'correct'; target: number; figure?: Figure; variant: number };
const statement: fc.Arbitrary<Statement> = fc.record({
  kind: fc.constantFrom('retract', 'correct' as const),
  target: fc.nat(),
  figure: maybe(figure),
  variant: fc.nat(),
});

/** A correction that is valid for its target's type: a new figure, or a change of payload that may move it. */
const correctionOf = (target: World, s: Statement): Omit<Payloads['ClaimCorrected'], 'eventId'> => {
  const figureToo = s.figure && ['CasualtiesReported', 'TroopsDeployed', 'TroopsWithdrawn', 'ProtestReported'].includes(target.type) ? { figure: s.figure } : {};
  const changes: Record<string, unknown>[] = {
    CasualtiesReported: [{ category: 'injured' }, { scope: 'Aktau' }],
    TroopsDeployed: [{ status: 'arriving' }, { contributor: 'Belarus' }, { status: 'deployed', contributor: 'Russia' }],
    TroopsWithdrawn: [{ completed: true }, { completed: false }],
    DeploymentAuthorized: [{ contributors: ['Kyrgyzstan'] }],
    MeasureImposed: [{ scope: 'Aktau' }, { description: 'corrected' }],
    MeasureLifted: [{ scope: 'Aktau' }],
    FacilityControlChanged: [{ controlledBy: 'police' }],
    OfficialStatusChanged: [{ change: 'detained' }],
  }[target.type as string] ?? [];
  const data = [undefined, ...changes][s.variant % (changes.length + 1)];
  return { ...figureToo, ...(data && { data }) };
};

const envelope = fc.record({
  step: fc.integer({ min: 0, max: STEPS - 1 }),
  delay: fc.integer({ min: -1, max: 8 }).map((k) => k * 6),
  sourceId: fc.constantFrom(...SOURCES),
  attributedTo: maybe(fc.constantFrom('ministry', 'police')),
  quote: maybe(fc.constant('“as quoted”')),
});

/** Random crises: retractions and corrections target earlier events that are neither. */
export const crisis: fc.Arbitrary<IncidentEvent[]> = fc
  .array(fc.tuple(fc.oneof({ weight: 3, arbitrary: happening }, { weight: 1, arbitrary: statement }), envelope), { maxLength: 40, size: 'max' })
  .map((items) => {
    const reports: Report[] = [];
    const targets: { id: string; world: World }[] = [];
    for (const [what, { step, delay, sourceId, attributedTo, quote }] of items) {
      const id = `e${reports.length + 1}`;
      const env = {
        id,
        occurredAt: iso(step * STEP),
        reportedAt: iso(step * STEP + delay),
        source: { sourceId, ...(attributedTo && { attributedTo }), ...(quote && { quote }) },
      };
      if ('kind' in what) {
        if (targets.length === 0) continue;
        const target = targets[what.target % targets.length];
        reports.push(
          what.kind === 'retract'
            ? report('ClaimRetracted', { eventId: target.id }, env)
            : report('ClaimCorrected', { eventId: target.id, ...correctionOf(target.world, what) }, env),
        );
      } else {
        reports.push({ ...what, ...env } as Report);
        targets.push({ id, world: what });
      }
    }
    return stored(...reports);
  });

/** Clocks on the same grid as the events (and a little off it), or absent. */
const filters = (events: IncidentEvent[]): fc.Arbitrary<Filters> =>
  fc.record({
    asOf: fc.option(fc.integer({ min: -1, max: STEPS * 2 }).map((k) => iso(k * (STEP / 2))), { nil: null }),
    knownAt: fc.option(fc.integer({ min: -3, max: STEPS * 2 + 16 }).map((k) => iso(k * (STEP / 2))), { nil: null }),
    atPosition: fc.option(fc.integer({ min: 0, max: events.length + 1 }), { nil: null }),
  });

/** A crisis, filters for it, and up to four cut points in it (for checkpoints and redeliveries). */
export const withFilters = crisis.chain((events) => fc.tuple(fc.constant(events), filters(events), fc.array(fc.nat(events.length), { maxLength: 4 })));
