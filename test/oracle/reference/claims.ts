// "Claims": steps 1-4 and the summary of what is left.
import { Bounds, Standing, textOrder } from './knowledge';
import { RefExclusion, RefSummary } from './types';

export interface Claim {
  standing: Standing;
  bounds: Bounds;
}

const voiceOf = (c: Claim) => `${c.standing.event.source.sourceId}\u0000${c.standing.event.source.attributedTo ?? '\u0001none'}`;

/**
 * `claims` in "latest" order. `outdatedBy(claim, left)` says which claim or event outdates a claim left after
 * step 3 (step 4), or null.
 */
export const summarise = (claims: Claim[], outdatedBy: (c: Claim, left: Claim[]) => string | null): RefSummary => {
  const excluded: RefExclusion[] = [];
  // 1. Retracted claims are left out.
  const live = claims.filter((c) => c.standing.retractedBy === null);
  for (const c of claims) {
    if (c.standing.retractedBy !== null) excluded.push({ eventId: c.standing.event.id, by: c.standing.retractedBy, reason: 'retracted' });
  }
  // 2. Corrections are already in the claims.
  // 3. Of each voice only its latest claim counts.
  const left: Claim[] = [];
  for (const c of live) {
    const sameVoice = live.filter((d) => voiceOf(d) === voiceOf(c));
    const latest = sameVoice[sameVoice.length - 1];
    if (latest === c) left.push(c);
    else excluded.push({ eventId: c.standing.event.id, by: latest.standing.event.id, reason: 'superseded' });
  }
  // 4. Outdated claims.
  const kept: Claim[] = [];
  for (const c of left) {
    const by = outdatedBy(c, left);
    if (by === null) kept.push(c);
    else excluded.push({ eventId: c.standing.event.id, by, reason: 'outdated' });
  }

  let low: number | null = null;
  let high: number | null = null;
  let openEnded = false;
  for (const c of kept) {
    if (c.bounds.low !== null && (low === null || c.bounds.low < low)) low = c.bounds.low;
    if (c.bounds.high !== null && (high === null || c.bounds.high > high)) high = c.bounds.high;
    if (c.bounds.openEnded) openEnded = true;
  }
  let bestClaim: Claim | null = null;
  for (const c of kept) if (c.bounds.qualifier === 'exact' || c.bounds.qualifier === 'approximately') bestClaim = c;
  if (bestClaim === null && kept.length > 0) bestClaim = kept[kept.length - 1];

  return {
    low,
    best: bestClaim ? bestClaim.bounds.best : null,
    high,
    openEnded,
    bestFrom: bestClaim ? bestClaim.standing.event.id : null,
    claims: kept.map((c) => ({
      eventId: c.standing.event.id,
      sourceId: c.standing.event.source.sourceId,
      attributedTo: c.standing.event.source.attributedTo ?? null,
      quote: c.standing.event.source.quote ?? null,
      occurredAt: c.standing.event.occurredAt,
      reportedAt: c.standing.event.reportedAt,
      position: c.standing.event.position,
      correctedBy: c.standing.correctedBy,
      figure: { low: c.bounds.low, best: c.bounds.best, high: c.bounds.high, qualifier: c.bounds.qualifier, text: c.bounds.text },
    })),
    excluded: excluded.sort((a, b) => textOrder(a.eventId, b.eventId)),
  };
};
