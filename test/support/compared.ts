// The production answers cut down to the fields the reference fold (test/oracle/reference-fold.ts)
// computes, for each read model: shared by the property specs of the read models and of the engine.
import {
  RefEvent,
  referenceCasualties,
  referenceLedger,
  referenceSituation,
  referenceTimeline,
  referenceTroops,
  RefFilters,
  RefSummary,
} from '../oracle/reference-fold';
import { SOURCES } from './crises';
import { Filters } from '../../src/core/filters';
import { AnyReadModel } from '../../src/core/projections/read-model';
import { casualties, situation, sourceLedger, timeline, troopPresence } from '../../src/projections';

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

/** Asks a read model for its answer in a scope under some filters: over facts in memory, or from a running projector. */
export type Ask = (model: AnyReadModel, scope: string, f: Filters) => any;

export interface Compared {
  model: AnyReadModel;
  /** The production answer, cut down to what the reference answers. */
  answer: (ask: Ask, model: AnyReadModel, f: Filters) => unknown;
  reference: (events: RefEvent[], f: RefFilters) => unknown;
}

export const INCIDENT = 'incident-1';

export const COMPARED: Record<string, Compared> = {
  casualties: {
    model: casualties,
    answer: (ask, m, f) =>
      ask(m, INCIDENT, f).tallies.map((t: any) => ({ category: t.category, group: t.group, scope: t.scope, ...summaryOf(t) })),
    reference: referenceCasualties,
  },
  'troop-presence': {
    model: troopPresence,
    answer: (ask, m, f) => {
      const v = ask(m, INCIDENT, f);
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
    answer: (ask, m, f) => {
      const v = ask(m, INCIDENT, f);
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
    answer: (ask, m, f) =>
      ask(m, INCIDENT, f).entries.map((e: any) => ({ eventId: e.eventId, type: e.type, occurredAt: e.occurredAt, retracted: e.retracted, corrected: e.corrected })),
    reference: referenceTimeline,
  },
  ledger: {
    model: sourceLedger,
    answer: (ask, m, f) =>
      SOURCES.map((s) =>
        ask(m, s, f).events.map((e: any) => ({
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

