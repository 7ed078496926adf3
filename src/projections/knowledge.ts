import { correctedPayload } from '../core/corrections';
import { EventType } from '../core/events';
import { Filters, hasHappened, isKnown, NO_FILTERS, passes } from '../core/filters';
import { byKnowledge, byLatest } from '../core/time';
import { Fact } from './facts';

/** What the retractions and corrections known under some filters say about the other events. */
export interface Knowledge {
  /** target → the first retraction in (reportedAt, position) order */
  retractedBy: Map<string, string>;
  /** target → the winning correction: the last in (reportedAt, position) order; corrections do not combine */
  correctionOf: Map<string, Fact<'ClaimCorrected'>>;
}

const isStatement = (f: Fact): f is Fact<'ClaimRetracted' | 'ClaimCorrected'> => f.type === 'ClaimRetracted' || f.type === 'ClaimCorrected';

/** Statements apply when they pass knowledge time and position, whatever event time says. */
export const knowledgeAt = (facts: readonly Fact[], filters: Filters): Knowledge => {
  const statements: Array<Fact<'ClaimRetracted' | 'ClaimCorrected'>> = [];
  for (const f of facts) if (isStatement(f) && isKnown(f, filters)) statements.push(f);
  return knowledgeFrom(statements);
};

/** What the statements say, in (reportedAt, position) order whatever order they come in. */
const knowledgeFrom = (statements: Array<Fact<'ClaimRetracted' | 'ClaimCorrected'>>): Knowledge => {
  const retractedBy = new Map<string, string>();
  const correctionOf = new Map<string, Fact<'ClaimCorrected'>>();
  statements.sort(byKnowledge);
  for (const s of statements) {
    if (s.type === 'ClaimRetracted') {
      if (!retractedBy.has(s.data.eventId)) retractedBy.set(s.data.eventId, s.id);
    } else {
      correctionOf.set(s.data.eventId, s);
    }
  }
  return { retractedBy, correctionOf };
};

/** An event as it stands under some filters: corrected payload, and who retracted or corrected it. */
export type Standing<T extends EventType = EventType> = Fact<T> & {
  retractedBy: string | null;
  correctedBy: string | null;
};

/** A correction keeps the event's identity (id, clocks, source) and changes only its payload. */
export const corrected = (fact: Fact, correction: Fact<'ClaimCorrected'>): Fact =>
  ({ ...fact, data: correctedPayload(fact.type, fact.data, correction.data) }) as Fact;

export const standingOf = (fact: Fact, knowledge: Knowledge): Standing => {
  const correction = knowledge.correctionOf.get(fact.id);
  const f = correction ? corrected(fact, correction) : fact;
  // Written out field by field: one object shape for every fact, which a spread of facts of varied shapes is not (5x faster).
  return {
    id: f.id,
    type: f.type,
    incidentId: f.incidentId,
    position: f.position,
    occurredAt: f.occurredAt,
    occurredAtAsReported: f.occurredAtAsReported,
    occurredPrecision: f.occurredPrecision,
    reportedAt: f.reportedAt,
    source: f.source,
    location: f.location,
    data: f.data,
    retractedBy: knowledge.retractedBy.get(fact.id) ?? null,
    correctedBy: correction?.id ?? null,
  } as Standing;
};

/**
 * The events about the world (not retractions or corrections) that pass all three clocks, as they
 * stand under the filters, in "latest" order. Retracted ones are kept, flagged, for `excluded` lists.
 */
export const standing = (facts: readonly Fact[], filters: Filters): Standing[] => {
  if (filters.knownAt !== null || filters.atPosition !== null) return standingUnder(facts, filters);
  // Event time alone: every statement applies, so the answer is a prefix of the standing of all events
  // (in "latest" order, occurredAt first), made once per set of facts. A time slider asks this.
  const all = standingOfAll(facts);
  return filters.asOf === null ? all.slice() : all.slice(0, firstAfter(all, filters.asOf));
};

const standingUnder = (facts: readonly Fact[], filters: Filters): Standing[] => {
  // One pass: the statements that apply and the events that pass, then each event as it stands.
  const statements: Array<Fact<'ClaimRetracted' | 'ClaimCorrected'>> = [];
  const passing: Fact[] = [];
  for (const f of facts) {
    if (isStatement(f)) {
      if (isKnown(f, filters)) statements.push(f);
    } else if (passes(f, filters)) passing.push(f);
  }
  const knowledge = knowledgeFrom(statements);
  const stand = passing.map((f) => standingOf(f, knowledge));
  return inLatestOrder(stand) ? stand : stand.sort(byLatest);
};

/**
 * The standing of all events with all statements applied, kept per array of facts and its length:
 * the facts a read model is given are only ever added to, so a longer array is a new set. Never
 * changed once made (callers get copies of the array; the entries are read, never written).
 */
const made = new WeakMap<readonly Fact[], { length: number; stand: Standing[] }>();
const standingOfAll = (facts: readonly Fact[]): Standing[] => {
  const kept = made.get(facts);
  if (kept && kept.length === facts.length) return kept.stand;
  const stand = standingUnder(facts, NO_FILTERS);
  made.set(facts, { length: facts.length, stand });
  return stand;
};

/** The index of the first event that happened after `asOf`, in an array in "latest" order. */
const firstAfter = (stand: readonly Standing[], asOf: string): number => {
  let lo = 0;
  let hi = stand.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stand[mid].occurredAt <= asOf) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

const inLatestOrder = (xs: readonly Standing[]): boolean => {
  for (let i = 1; i < xs.length; i++) if (byLatest(xs[i - 1], xs[i]) > 0) return false;
  return true;
};

/** For lists of events (timeline, ledger): every event, statements included, that passes all three clocks. */
export const listed = (facts: readonly Fact[], filters: Filters): Fact[] =>
  facts.filter((f) => isKnown(f, filters) && hasHappened(f, filters)).sort(byLatest);

export const isCounted = (s: Standing): boolean => s.retractedBy === null;
