import { Figure } from '../core/events';
import { Bounds, bounds, shown, ShownFigure } from './figures';
import { Standing } from './knowledge';

/** One figure from one voice about one quantity, as it stands (corrected figure, retraction noted). */
export interface Claim {
  eventId: string;
  sourceId: string;
  attributedTo: string | null;
  quote: string | null;
  occurredAt: string;
  occurredAtAsReported: string;
  reportedAt: string;
  position: number;
  correctedBy: string | null;
  retractedBy: string | null;
  figure: Bounds;
}

export const claimOf = (event: Standing, figure: Figure): Claim => ({
  eventId: event.id,
  sourceId: event.source.sourceId,
  attributedTo: event.source.attributedTo ?? null,
  quote: event.source.quote ?? null,
  occurredAt: event.occurredAt,
  occurredAtAsReported: event.occurredAtAsReported,
  reportedAt: event.reportedAt,
  position: event.position,
  correctedBy: event.correctedBy,
  retractedBy: event.retractedBy,
  figure: bounds(figure),
});

export interface CountedClaim extends Omit<Claim, 'retractedBy' | 'figure'> {
  figure: ShownFigure;
}

export type ExclusionReason = 'retracted' | 'superseded' | 'outdated';

export interface Exclusion {
  eventId: string;
  by: string;
  reason: ExclusionReason;
}

export interface Summary {
  low: number | null;
  best: number | null;
  high: number | null;
  openEnded: boolean;
  bestFrom: string | null;
  claims: CountedClaim[];
  excluded: Exclusion[];
}

/** Step 4 of "Claims": which of the claims left after step 3 (in "latest" order) are outdated, and by what. */
export type Outdating = (left: readonly Claim[]) => Map<string, string>;

/** A value per voice (source, and attribution or none), kept in maps of the parts: no key string is built per claim. */
class Voices {
  private readonly bySource = new Map<string, Map<string | null, Claim>>();
  get(c: Claim): Claim | undefined {
    return this.bySource.get(c.sourceId)?.get(c.attributedTo);
  }
  set(c: Claim, value: Claim): void {
    const byAttribution = this.bySource.get(c.sourceId) ?? this.bySource.set(c.sourceId, new Map()).get(c.sourceId)!;
    byAttribution.set(c.attributedTo, value);
  }
}

const counted = (c: Claim): CountedClaim => ({
  eventId: c.eventId,
  sourceId: c.sourceId,
  attributedTo: c.attributedTo,
  quote: c.quote,
  occurredAt: c.occurredAt,
  occurredAtAsReported: c.occurredAtAsReported,
  reportedAt: c.reportedAt,
  position: c.position,
  correctedBy: c.correctedBy,
  figure: shown(c.figure),
});

/**
 * Steps 1, 3 and 4 of "Claims" (step 2, corrections, is already in the claims) and the summary of what
 * is left. `claims` must be in "latest" order; `claims` and `excluded` of the answer keep that order.
 */
export const summarise = (claims: readonly Claim[], outdating: Outdating): Summary => {
  const why = new Map<string, Exclusion>();
  const exclude = (eventId: string, by: string, reason: ExclusionReason) => why.set(eventId, { eventId, by, reason });

  for (const c of claims) if (c.retractedBy !== null) exclude(c.eventId, c.retractedBy, 'retracted');
  const live = claims.filter((c) => !why.has(c.eventId));
  const latestOfVoice = new Voices();
  for (const c of live) latestOfVoice.set(c, c);
  for (const c of live) {
    const latest = latestOfVoice.get(c)!;
    if (latest !== c) exclude(c.eventId, latest.eventId, 'superseded');
  }
  const left = live.filter((c) => !why.has(c.eventId));
  for (const [eventId, by] of outdating(left)) exclude(eventId, by, 'outdated');
  const kept = left.filter((c) => !why.has(c.eventId));

  const definite = kept.filter((c) => c.figure.qualifier === 'exact' || c.figure.qualifier === 'approximately');
  const bestClaim = definite.at(-1) ?? kept.at(-1) ?? null;
  return {
    low: extreme(kept.map((c) => c.figure.low), Math.min),
    best: bestClaim?.figure.best ?? null,
    high: extreme(kept.map((c) => c.figure.high), Math.max),
    openEnded: kept.some((c) => c.figure.openEnded),
    bestFrom: bestClaim?.eventId ?? null,
    claims: kept.map(counted),
    excluded: inClaimOrder(claims, why),
  };
};

const inClaimOrder = (claims: readonly Claim[], why: Map<string, Exclusion>): Exclusion[] => {
  const out: Exclusion[] = [];
  for (const c of claims) {
    const exclusion = why.get(c.eventId);
    if (exclusion) out.push(exclusion);
  }
  return out;
};

/** The least or greatest of the numbers, ignoring nulls; null when there is none. */
const extreme = (xs: (number | null)[], pick: (a: number, b: number) => number): number | null =>
  xs.reduce<number | null>((acc, x) => (x === null ? acc : acc === null ? x : pick(acc, x)), null);

/** Index of the first element for which `ok` holds, in an array where it is false then true. */
const firstWhere = <T>(xs: readonly T[], ok: (x: T) => boolean): number => {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ok(xs[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
};

/**
 * Casualty figures are cumulative totals: a claim is outdated by the most recent claim with a strictly
 * later occurredAt whose `low` is at least its `best`. O(n log n): newest first, the claims later than a
 * given one are a prefix, and the first of them with a great enough `low` is found on the running maximum.
 */
export const outdatedByLaterTotals: Outdating = (left) => {
  const newest = [...left].reverse();
  const runningMaxLow: number[] = [];
  for (const c of newest) runningMaxLow.push(Math.max(runningMaxLow.at(-1) ?? -Infinity, c.figure.low ?? -Infinity));
  const indices = newest.map((_, i) => i);
  const outdated = new Map<string, string>();
  for (const c of left) {
    const later = firstWhere(newest, (d) => d.occurredAt <= c.occurredAt);
    const first = firstWhere(indices, (i) => runningMaxLow[i] >= c.figure.best);
    if (first < later) outdated.set(c.eventId, newest[first].eventId);
  }
  return outdated;
};

/** Troop strength is a level: a claim strictly older than the latest status change is outdated by it. */
export const outdatedBefore =
  (change: { id: string; occurredAt: string } | null): Outdating =>
  (left) =>
    new Map(change ? left.filter((c) => c.occurredAt < change.occurredAt).map((c) => [c.eventId, change.id]) : []);
