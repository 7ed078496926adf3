// Properties every read model must have, on random crises: a checkpointed fold answers like a fold from
// scratch, and a filtered answer is the answer over the events the filters let through.
import fc from 'fast-check';
import { Figure, IncidentEvent, Payloads } from '../core/events';
import { Filters, NO_FILTERS, passes } from '../core/filters';
import { AnyReadModel, foldAll } from '../core/projections/read-model';
import { readModels, sourceLedger } from '.';
import { report, Report, stored } from './given';

const SOURCES = ['s1', 's2', 's3'];
const START = Date.parse('2022-01-04T00:00:00.000Z');
const HOURS = 4 * 24;
const iso = (hour: number) => new Date(START + hour * 3_600_000).toISOString();
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const figure: fc.Arbitrary<Figure> = fc
  .record({
    best: fc.integer({ min: 0, max: 60 }),
    spread: fc.integer({ min: 0, max: 10 }),
    qualifier: maybe(fc.constantFrom('exact', 'approximately', 'at_least', 'more_than', 'up_to' as const)),
    explicit: fc.boolean(),
  })
  .map(({ best, spread, qualifier, explicit }) => ({
    best,
    ...(qualifier && { qualifier }),
    ...(explicit && { low: Math.max(0, best - spread), high: best + spread }),
  }));

const party = fc
  .record({ contributor: maybe(fc.constantFrom('Armenia', 'Russia')), force: maybe(fc.constant('CSTO')) })
  .map(({ contributor, force }) => (contributor || force ? { contributor, force } : { force: 'CSTO' }))
  .map((p) => JSON.parse(JSON.stringify(p)) as { contributor?: string; force?: string });

type World = { [T in keyof Payloads]: { type: T; data: Payloads[T] } }[keyof Payloads];
const about = <T extends keyof Payloads>(type: T, data: fc.Arbitrary<Payloads[T]>): fc.Arbitrary<World> =>
  data.map((d) => ({ type, data: JSON.parse(JSON.stringify(d)) }) as World);

const happening: fc.Arbitrary<World> = fc.oneof(
  about('CasualtiesReported', fc.record({ category: fc.constantFrom('killed', 'injured' as const), group: fc.constantFrom('protesters', 'civilians' as const), scope: maybe(fc.constant('Almaty')), figure })),
  about('TroopsDeployed', fc.tuple(party, maybe(figure), fc.constantFrom('arriving', 'deployed' as const)).map(([p, strength, status]) => ({ ...p, strength, status }))),
  about('TroopsWithdrawn', fc.tuple(party, maybe(figure), fc.boolean()).map(([p, strength, completed]) => ({ ...p, strength, completed }))),
  about('DeploymentAuthorized', fc.record({ authority: fc.constant('CSTO'), contributors: maybe(fc.subarray(['Armenia', 'Russia'])) })),
  about('AssistanceRequested', fc.record({ requestedBy: fc.constant('Tokayev'), requestedFrom: fc.constant('CSTO') })),
  about('MeasureImposed', fc.record({ measure: fc.constantFrom('curfew', 'internet_shutdown' as const), scope: maybe(fc.constant('Almaty')) })),
  about('MeasureLifted', fc.record({ measure: fc.constantFrom('curfew', 'internet_shutdown' as const), scope: maybe(fc.constant('Almaty')) })),
  about('FacilityControlChanged', fc.record({ facility: fc.constantFrom('airport', 'akimat'), controlledBy: fc.constantFrom('protesters', 'army') })),
  about('OfficialStatusChanged', fc.record({ person: fc.constantFrom('Massimov', 'Mamin'), role: maybe(fc.constant('minister')), change: fc.constantFrom('removed', 'detained' as const) })),
  about('GovernmentChanged', fc.record({ body: fc.constant('Government'), change: fc.constantFrom('resigned', 'appointed' as const) })),
  about('StatementMade', fc.record({ speaker: fc.constant('Tokayev'), summary: fc.constant('Order restored') })),
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
  const figureToo = s.figure && ['CasualtiesReported', 'TroopsDeployed', 'TroopsWithdrawn'].includes(target.type) ? { figure: s.figure } : {};
  const changes: Record<string, unknown>[] = {
    CasualtiesReported: [{ category: 'injured' }, { scope: 'Aktau' }],
    TroopsDeployed: [{ status: 'arriving' }, { contributor: 'Belarus' }],
    TroopsWithdrawn: [{ completed: true }, { completed: false }],
    DeploymentAuthorized: [{ contributors: ['Kyrgyzstan'] }],
    MeasureImposed: [{ scope: 'Aktau' }],
    MeasureLifted: [{ scope: 'Aktau' }],
    FacilityControlChanged: [{ controlledBy: 'police' }],
  }[target.type as string] ?? [];
  const data = [undefined, ...changes][s.variant % (changes.length + 1)];
  return { ...figureToo, ...(data && { data }) };
};

const envelope = fc.record({
  hour: fc.integer({ min: 0, max: HOURS - 1 }),
  delay: fc.integer({ min: -6, max: 48 }),
  sourceId: fc.constantFrom(...SOURCES),
  attributedTo: maybe(fc.constantFrom('ministry', 'police')),
});

/** Random crises: retractions and corrections target earlier events that are neither. */
const crisis: fc.Arbitrary<IncidentEvent[]> = fc
  .array(fc.tuple(fc.oneof({ weight: 3, arbitrary: happening }, { weight: 1, arbitrary: statement }), envelope), { maxLength: 40 })
  .map((items) => {
    const reports: Report[] = [];
    const targets: { id: string; world: World }[] = [];
    for (const [what, { hour, delay, sourceId, attributedTo }] of items) {
      const id = `e${reports.length + 1}`;
      const env = { id, occurredAt: iso(hour), reportedAt: iso(hour + delay), source: { sourceId, ...(attributedTo && { attributedTo }) } };
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

const filters = (events: IncidentEvent[]): fc.Arbitrary<Filters> =>
  fc.record({
    asOf: fc.option(fc.integer({ min: -1, max: HOURS }).map(iso), { nil: null }),
    knownAt: fc.option(fc.integer({ min: -6, max: HOURS + 48 }).map(iso), { nil: null }),
    atPosition: fc.option(fc.integer({ min: 0, max: events.length + 1 }), { nil: null }),
  });

const withFilters = crisis.chain((events) => fc.tuple(fc.constant(events), filters(events), fc.array(fc.nat(events.length), { maxLength: 4 })));

/** One view per scope: the incident, or each source for the ledger. */
const views = (model: AnyReadModel, state: unknown, f: Filters) =>
  model === sourceLedger ? SOURCES.map((s) => model.view(state, f, s)) : [model.view(state, f, 'incident-1')];

const roundTrip = <T>(x: T): T => JSON.parse(JSON.stringify(x));

describe.each(readModels.map((m) => [m.name, m] as const))('%s', (_name, model) => {
  it('answers from a checkpointed state (folded in chunks, reloaded from JSON between them) as from a fold from scratch', () => {
    fc.assert(
      fc.property(withFilters, ([events, f, cuts]) => {
        const edges = [0, ...[...cuts].sort((a, b) => a - b), events.length];
        let state = model.initial();
        for (let i = 1; i < edges.length; i++) state = roundTrip(foldAll(model, events.slice(edges[i - 1], edges[i]), state));
        const scratch = foldAll(model, events);
        for (const clocks of [NO_FILTERS, f]) {
          const answer = views(model, state, clocks);
          expect(answer).toEqual(views(model, scratch, clocks));
          expect(roundTrip(answer)).toStrictEqual(answer);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('answers under filters as over the events that pass them (asOf still applied to what is listed)', () => {
    fc.assert(
      fc.property(withFilters, ([events, f]) => {
        const kept = events.filter((e) => passes(e, f));
        expect(views(model, foldAll(model, events), f)).toEqual(
          views(model, foldAll(model, kept), { asOf: f.asOf, knownAt: null, atPosition: null }),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('ignores a redelivered event', () => {
    fc.assert(
      fc.property(crisis, (events) => {
        const once = foldAll(model, events);
        const expected = views(model, roundTrip(once), NO_FILTERS);
        expect(views(model, foldAll(model, events.slice(0, 3), once), NO_FILTERS)).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  });
});
