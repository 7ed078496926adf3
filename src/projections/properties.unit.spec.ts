// Properties of every read model on random crises, with an oracle of their own: a naive reference fold
// written from EVENTS.md (test/oracle/reference-fold.ts), which shares no code with the read models or the
// filters. For random histories and random filters, each read model's answer equals the reference's on the
// fields compared; also after a checkpoint (a state folded in parts and reloaded from JSON between them) and
// after a redelivery.
import fc from 'fast-check';
import {
  RefEvent,
  referenceCasualties,
  referenceLedger,
  referenceSituation,
  referenceTimeline,
  referenceTroops,
  RefFilters,
  RefSummary,
} from '../../test/oracle/reference-fold';
import { SOURCES, withFilters } from '../../test/support/crises';
import { Filters, NO_FILTERS } from '../core/filters';
import { AnyReadModel, foldAll } from '../core/projections/read-model';
import { casualties, situation, sourceLedger, timeline, troopPresence } from '.';

// ---------------------------------------------------------------------------------------------------
// What is compared: the read models' answers, cut down to the fields the reference computes.

const summaryOf = (s: any): RefSummary => ({
  low: s.low,
  best: s.best,
  high: s.high,
  openEnded: s.openEnded,
  bestFrom: s.bestFrom,
  claims: s.claims.map((c: any) => ({
    eventId: c.eventId,
    sourceId: c.sourceId,
    attributedTo: c.attributedTo,
    quote: c.quote,
    occurredAt: c.occurredAt,
    reportedAt: c.reportedAt,
    position: c.position,
    correctedBy: c.correctedBy,
    figure: { low: c.figure.low, best: c.figure.best, high: c.figure.high, qualifier: c.figure.qualifier, text: c.figure.text },
  })),
  excluded: s.excluded
    .map((x: any) => ({ eventId: x.eventId, by: x.by, reason: x.reason }))
    .sort((a: any, b: any) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0)),
});

const presence = (p: any) => ({ status: p.status, strength: summaryOf(p.strength), firstArrivedAt: p.firstArrivedAt, withdrawnAt: p.withdrawnAt });

interface Compared {
  model: AnyReadModel;
  /** The production answer, cut down to what the reference answers. */
  answer: (model: AnyReadModel, state: unknown, f: Filters) => unknown;
  reference: (events: RefEvent[], f: RefFilters) => unknown;
}

const INCIDENT = 'incident-1';

const COMPARED: Record<string, Compared> = {
  casualties: {
    model: casualties,
    answer: (m, state, f) =>
      m.view(state, f, INCIDENT).tallies.map((t: any) => ({ category: t.category, group: t.group, scope: t.scope, ...summaryOf(t) })),
    reference: referenceCasualties,
  },
  'troop-presence': {
    model: troopPresence,
    answer: (m, state, f) => {
      const v = m.view(state, f, INCIDENT);
      return {
        requests: v.requests.map((r: any) => ({ requestedBy: r.requestedBy, requestedFrom: r.requestedFrom, at: r.at, eventId: r.eventId })),
        authorizations: v.authorizations.map((a: any) => ({ authority: a.authority, contributors: a.contributors, at: a.at, eventId: a.eventId })),
        contributors: v.contributors.map((c: any) => ({ contributor: c.contributor, force: c.force, ...presence(c) })),
        forces: v.forces.map((x: any) => ({ force: x.force, ...presence(x) })),
        total: { low: v.total.low, best: v.total.best, high: v.total.high, openEnded: v.total.openEnded, from: v.total.from },
      };
    },
    reference: referenceTroops,
  },
  situation: {
    model: situation,
    answer: (m, state, f) => {
      const v = m.view(state, f, INCIDENT);
      return {
        measures: v.measures.map((x: any) => ({ measure: x.measure, scope: x.scope, active: x.active, since: x.since, description: x.description, eventId: x.eventId })),
        facilities: v.facilities.map((x: any) => ({ facility: x.facility, controlledBy: x.controlledBy, since: x.since, eventId: x.eventId })),
        officials: v.officials.map((x: any) => ({ person: x.person, role: x.role, status: x.status, since: x.since, eventId: x.eventId })),
        government: v.government.map((x: any) => ({ body: x.body, change: x.change, at: x.at, eventId: x.eventId })),
      };
    },
    reference: referenceSituation,
  },
  timeline: {
    model: timeline,
    answer: (m, state, f) =>
      m.view(state, f, INCIDENT).entries.map((e: any) => ({ eventId: e.eventId, type: e.type, occurredAt: e.occurredAt, retracted: e.retracted, corrected: e.corrected })),
    reference: referenceTimeline,
  },
  ledger: {
    model: sourceLedger,
    answer: (m, state, f) =>
      SOURCES.map((s) =>
        m.view(state, f, s).events.map((e: any) => ({
          eventId: e.eventId,
          type: e.type,
          occurredAt: e.occurredAt,
          retracted: e.retracted,
          corrected: e.corrected,
          figure: e.figure,
        })),
      ),
    reference: (events, f) => SOURCES.map((s) => referenceLedger(events, f, s)),
  },
};

const roundTrip = <T>(x: T): T => JSON.parse(JSON.stringify(x));

describe.each(Object.entries(COMPARED))('%s', (_name, { model, answer, reference }) => {
  it('answers under random filters as the reference fold of EVENTS.md does', () => {
    fc.assert(
      fc.property(withFilters, ([events, f]) => {
        const state = foldAll(model, events);
        expect(answer(model, state, NO_FILTERS)).toEqual(reference(events, NO_FILTERS));
        expect(answer(model, state, f)).toEqual(reference(events, f));
      }),
      { numRuns: 300 },
    );
  });

  it('answers from a checkpoint (folded in parts, reloaded from JSON between them) as the reference does over the whole log', () => {
    fc.assert(
      fc.property(withFilters, ([events, f, cuts]) => {
        const edges = [0, ...[...cuts].sort((a, b) => a - b), events.length];
        let state = model.initial();
        for (let i = 1; i < edges.length; i++) state = roundTrip(foldAll(model, events.slice(edges[i - 1], edges[i]), state));
        expect(answer(model, state, f)).toEqual(reference(events, f));
        expect(answer(model, state, NO_FILTERS)).toEqual(reference(events, NO_FILTERS));
      }),
      { numRuns: 150 },
    );
  });

  it('ignores redelivered events (after a checkpoint as before it)', () => {
    fc.assert(
      fc.property(withFilters, ([events, f, cuts]) => {
        const cut = cuts[0] ?? events.length;
        // The events up to the cut delivered again after a reload, then everything from some earlier point on.
        let state = roundTrip(foldAll(model, events.slice(0, cut)));
        state = foldAll(model, events.slice(Math.floor(cut / 2)), state);
        state = foldAll(model, events.slice(0, 3), state);
        expect(answer(model, state, f)).toEqual(reference(events, f));
      }),
      { numRuns: 100 },
    );
  });
});
