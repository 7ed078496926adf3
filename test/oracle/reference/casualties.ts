// "Casualties": one entry per key with the claim summary.
import { Claim, summarise } from './claims';
import { boundsOf, Standing, textOrder, time, worldAt } from './knowledge';
import { RefEvent, RefFilters, RefTally } from './types';

/**
 * "Casualty figures are cumulative totals: a claim is outdated when a claim with a later occurredAt has a low
 * at least as great as its best (by the most recent such claim)"; only the claims left after step 3 compare.
 */
const outdatedByLaterTotal = (c: Claim, left: Claim[]): string | null => {
  let by: string | null = null;
  for (const d of left) {
    const later = time(d.standing.event.occurredAt) > time(c.standing.event.occurredAt);
    if (later && d.bounds.low !== null && d.bounds.low >= c.bounds.best) by = d.standing.event.id; // left is in "latest" order
  }
  return by;
};

export const referenceCasualties = (all: RefEvent[], f: RefFilters): RefTally[] => {
  const reports = worldAt(all, f).filter((s) => s.event.type === 'CasualtiesReported');
  const keyOf = (s: Standing) => ({ category: s.data.category as string, group: s.data.group as string, scope: (s.data.scope ?? 'nationwide') as string });
  const keys: { category: string; group: string; scope: string }[] = [];
  for (const r of reports) {
    const k = keyOf(r);
    if (!keys.some((x) => x.category === k.category && x.group === k.group && x.scope === k.scope)) keys.push(k);
  }
  keys.sort((a, b) => textOrder(a.category, b.category) || textOrder(a.group, b.group) || textOrder(a.scope, b.scope));
  return keys.map((k) => {
    const ofKey = reports.filter((r) => {
      const rk = keyOf(r);
      return rk.category === k.category && rk.group === k.group && rk.scope === k.scope;
    });
    return { ...k, ...summarise(ofKey.map((s) => ({ standing: s, bounds: boundsOf(s.data.figure) })), outdatedByLaterTotal) };
  });
};
