// The clocks, "latest" order, retractions and corrections, and figures' bounds (EVENTS.md "Projection rules",
// "Figures").
import { RefEvent, RefFigure, RefFilters, RefShownFigure } from './types';

export const time = (iso: string): number => Date.parse(iso);

/** Knowledge time and log position: `reportedAt <= knownAt`, `position <= atPosition`. */
const passesKnownAtAndPosition = (e: RefEvent, f: RefFilters): boolean =>
  (f.knownAt === null || time(e.reportedAt) <= time(f.knownAt)) && (f.atPosition === null || e.position <= f.atPosition);

/** Event time: `occurredAt <= asOf`. */
const passesAsOf = (e: RefEvent, f: RefFilters): boolean => f.asOf === null || time(e.occurredAt) <= time(f.asOf);

export const passesAllThree = (e: RefEvent, f: RefFilters): boolean => passesKnownAtAndPosition(e, f) && passesAsOf(e, f);

const isStatement = (e: RefEvent): boolean => e.type === 'ClaimRetracted' || e.type === 'ClaimCorrected';

/** true when a comes before b in "latest" order: occurredAt, then reportedAt, then position. */
const isBefore = (a: RefEvent, b: RefEvent): boolean => {
  if (time(a.occurredAt) !== time(b.occurredAt)) return time(a.occurredAt) < time(b.occurredAt);
  if (time(a.reportedAt) !== time(b.reportedAt)) return time(a.reportedAt) < time(b.reportedAt);
  return a.position < b.position;
};

/** Between two statements about one event: reportedAt, then position. */
const isStatedBefore = (a: RefEvent, b: RefEvent): boolean =>
  time(a.reportedAt) !== time(b.reportedAt) ? time(a.reportedAt) < time(b.reportedAt) : a.position < b.position;

/** Selection sort into "latest" order: the earliest left, again and again. */
export const inLatestOrder = <T extends { event: RefEvent }>(items: T[]): T[] => {
  const rest = [...items];
  const out: T[] = [];
  while (rest.length > 0) {
    let earliest = 0;
    for (let i = 1; i < rest.length; i++) if (isBefore(rest[i].event, rest[earliest].event)) earliest = i;
    out.push(rest.splice(earliest, 1)[0]);
  }
  return out;
};

/** Text order by UTF-16 code units (what < does on JS strings). */
export const textOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// Retractions and corrections: "a statement about what is known, not about the world: it applies when it
// passes knownAt and atPosition, whatever asOf says".

/** The first retraction of the event in (reportedAt, position) order, among those that apply. */
export const retractionOf = (all: RefEvent[], targetId: string, f: RefFilters): RefEvent | null => {
  let first: RefEvent | null = null;
  for (const s of all) {
    if (s.type !== 'ClaimRetracted' || s.data.eventId !== targetId || !passesKnownAtAndPosition(s, f)) continue;
    if (first === null || isStatedBefore(s, first)) first = s;
  }
  return first;
};

/** The later correction by (reportedAt, position) wins; they do not combine. */
export const correctionOf = (all: RefEvent[], targetId: string, f: RefFilters): RefEvent | null => {
  let last: RefEvent | null = null;
  for (const s of all) {
    if (s.type !== 'ClaimCorrected' || s.data.eventId !== targetId || !passesKnownAtAndPosition(s, f)) continue;
    if (last === null || isStatedBefore(last, s)) last = s;
  }
  return last;
};

/** The field that holds a type's figure: what a correction's `figure` replaces. */
export const figureFieldOf = (type: string): string | null =>
  type === 'CasualtiesReported' ? 'figure'
  : type === 'TroopsDeployed' || type === 'TroopsWithdrawn' ? 'strength'
  : type === 'ProtestReported' ? 'participants'
  : null;

/** "A correction's data is merged (shallowly) into the target's payload, its figure replaces the target's figure whole." */
const correctedData = (target: RefEvent, correction: RefEvent) => {
  const data = { ...target.data, ...(correction.data.data ?? {}) };
  const field = figureFieldOf(target.type);
  if (field !== null && correction.data.figure !== undefined) data[field] = correction.data.figure;
  return data;
};

/** An event about the world as it stands under the filters. */
export interface Standing {
  event: RefEvent;
  data: any;
  retractedBy: string | null;
  correctedBy: string | null;
}

/** The events about the world that pass all three clocks, corrected, retracted ones flagged, in "latest" order. */
export const worldAt = (all: RefEvent[], f: RefFilters): Standing[] => {
  const out: Standing[] = [];
  for (const e of all) {
    if (isStatement(e) || !passesAllThree(e, f)) continue;
    const correction = correctionOf(all, e.id, f);
    const retraction = retractionOf(all, e.id, f);
    out.push({
      event: e,
      data: correction ? correctedData(e, correction) : e.data,
      retractedBy: retraction ? retraction.id : null,
      correctedBy: correction ? correction.id : null,
    });
  }
  return inLatestOrder(out);
};

export interface Bounds extends RefShownFigure {
  openEnded: boolean;
}

/**
 * "When low/high are absent: exact and approximately give low = high = best; at_least and more_than give
 * low = best and no upper bound (high: null) and are open-ended; up_to gives high = best and no lower bound."
 * A figure with no qualifier is exact. Reading: an explicit low or high is kept; open-ended means no upper bound.
 */
export const boundsOf = (figure: RefFigure): Bounds => {
  const qualifier = figure.qualifier ?? 'exact';
  let low: number | null = figure.best;
  let high: number | null = figure.best;
  if (qualifier === 'at_least' || qualifier === 'more_than') high = null;
  if (qualifier === 'up_to') low = null;
  if (figure.low !== undefined) low = figure.low;
  if (figure.high !== undefined) high = figure.high;
  return { low, best: figure.best, high, qualifier, text: figure.text ?? null, openEnded: high === null };
};
