import { isKnowledgeStatement } from './events';

/** The three clocks of every projection, normalised to UTC instants and a log position. */
export interface Filters {
  asOf: string | null;
  knownAt: string | null;
  atPosition: number | null;
}

export const NO_FILTERS: Filters = { asOf: null, knownAt: null, atPosition: null };

interface OnClocks {
  type: string;
  occurredAt: string;
  reportedAt: string;
  position: number;
}

/** Passes knowledge time and log position: what was known, and what the log held. */
export const isKnown = (e: OnClocks, f: Filters): boolean =>
  (f.knownAt === null || e.reportedAt <= f.knownAt) && (f.atPosition === null || e.position <= f.atPosition);

/** Passes event time as well. */
export const hasHappened = (e: OnClocks, f: Filters): boolean => f.asOf === null || e.occurredAt <= f.asOf;

/**
 * The events a filtered projection folds: those that pass all three clocks, and the retractions
 * and corrections that pass knowledge time and position whatever event time says.
 */
export const passes = (e: OnClocks, f: Filters): boolean =>
  isKnown(e, f) && (isKnowledgeStatement(e) || hasHappened(e, f));
