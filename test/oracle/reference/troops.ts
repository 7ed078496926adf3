// "Troop presence": per contributor and per force, and the total.
import { Claim, summarise } from './claims';
import { boundsOf, Standing, textOrder, time, worldAt } from './knowledge';
import { RefEvent, RefFigure, RefFilters, RefPresence, RefStatus, RefTroops } from './types';

const statusOf = (s: Standing): RefStatus =>
  s.event.type === 'TroopsDeployed' ? s.data.status : s.data.completed ? 'withdrawn' : 'withdrawing';

const isPresent = (status: RefStatus | null): boolean => status === 'arriving' || status === 'deployed' || status === 'withdrawing';

/** One contributor's (or force's) presence from its TroopsDeployed / TroopsWithdrawn events, in "latest" order. */
const presenceOf = (reports: Standing[], authorized: boolean): RefPresence => {
  const counted = reports.filter((r) => r.retractedBy === null);
  const initial = (authorized ? 'authorized' : null) as RefStatus | null;

  // The status is the one the latest counted report gives ("authorized ... until it is reported arriving").
  let status = initial;
  for (const r of counted) status = statusOf(r);

  let firstArrivedAt: string | null = null;
  for (const r of counted) if (r.event.type === 'TroopsDeployed' && firstArrivedAt === null) firstArrivedAt = r.event.occurredAt;

  // Reading: withdrawnAt is when the current withdrawal was first reported complete (null unless withdrawn).
  let withdrawnAt: string | null = null;
  if (status === 'withdrawn') {
    for (let i = counted.length - 1; i >= 0 && statusOf(counted[i]) === 'withdrawn'; i--) withdrawnAt = counted[i].event.occurredAt;
  }

  // Level changes: every TroopsWithdrawn, and every TroopsDeployed whose status just before (what its earlier
  // counted events left; authorized or none is not a withdrawal) was withdrawing or withdrawn.
  let latestLevelChange: RefEvent | null = null;
  for (let i = 0; i < counted.length; i++) {
    const r = counted[i];
    let before = initial;
    for (let j = 0; j < i; j++) before = statusOf(counted[j]);
    const isChange = r.event.type === 'TroopsWithdrawn' || before === 'withdrawing' || before === 'withdrawn';
    if (isChange) latestLevelChange = r.event;
  }

  // Claims: a report with a strength claims it; a completed withdrawal without one claims 0.
  const claims: Claim[] = [];
  for (const r of reports) {
    const figure: RefFigure | undefined =
      r.data.strength ?? (r.event.type === 'TroopsWithdrawn' && r.data.completed ? { best: 0 } : undefined);
    if (figure) claims.push({ standing: r, bounds: boundsOf(figure) });
  }
  // "A claim with an occurredAt strictly older than the latest level change is outdated (by that event)."
  const outdated = (c: Claim): string | null =>
    latestLevelChange !== null && time(c.standing.event.occurredAt) < time(latestLevelChange.occurredAt) ? latestLevelChange.id : null;

  return { status, strength: summarise(claims, outdated), firstArrivedAt, withdrawnAt };
};

const totalOf = (units: RefPresence[], from: 'contributors' | 'forces'): RefTroops['total'] => {
  const present = units.filter((u) => isPresent(u.status));
  if (present.length === 0) {
    // Nobody remains: 0 when someone was there and left; unknown when nobody ever was.
    if (units.some((u) => u.status === 'withdrawn')) return { low: 0, best: 0, high: 0, openEnded: false, from };
    return { low: null, best: null, high: null, openEnded: false, from };
  }
  const known = present.filter((u) => u.strength.best !== null);
  if (known.length === 0) return { low: null, best: null, high: null, openEnded: true, from };
  let low: number | null = null;
  let best = 0;
  let high: number | null = 0;
  let openEnded = false;
  for (const u of present) {
    const s = u.strength;
    if (s.low !== null) low = (low ?? 0) + s.low;
    if (s.best !== null) best += s.best;
    high = high === null || s.high === null ? null : high + s.high;
    if (s.best === null || s.openEnded) openEnded = true;
  }
  return { low, best, high, openEnded, from };
};

export const referenceTroops = (all: RefEvent[], f: RefFilters): RefTroops => {
  const world = worldAt(all, f);
  const counted = world.filter((s) => s.retractedBy === null);
  const requests = counted
    .filter((s) => s.event.type === 'AssistanceRequested')
    .map((s) => ({ requestedBy: s.data.requestedBy, requestedFrom: s.data.requestedFrom, at: s.event.occurredAt, eventId: s.event.id }));
  const authorizationEvents = counted.filter((s) => s.event.type === 'DeploymentAuthorized');
  const authorizations = authorizationEvents.map((s) => ({
    authority: s.data.authority,
    contributors: (s.data.contributors ?? []) as string[],
    at: s.event.occurredAt,
    eventId: s.event.id,
  }));
  const authorized: string[] = [];
  for (const a of authorizations) for (const c of a.contributors) if (!authorized.includes(c)) authorized.push(c);

  const reports = world.filter((s) => s.event.type === 'TroopsDeployed' || s.event.type === 'TroopsWithdrawn');
  const hasContributor = (s: Standing) => s.data.contributor !== undefined && s.data.contributor !== null;

  const contributorNames = [...authorized];
  for (const r of reports) if (hasContributor(r) && !contributorNames.includes(r.data.contributor)) contributorNames.push(r.data.contributor);
  contributorNames.sort(textOrder);
  const contributors = contributorNames.map((name) => {
    const own = reports.filter((r) => hasContributor(r) && r.data.contributor === name);
    // Reading: the force is the one named by the latest counted report that names one.
    let force: string | null = null;
    for (const r of own) if (r.retractedBy === null && r.data.force !== undefined && r.data.force !== null) force = r.data.force;
    return { contributor: name, force, ...presenceOf(own, authorized.includes(name)) };
  });

  // Reading: a force is listed when whole-force reports (no contributor) about it pass the filters.
  const forceNames: string[] = [];
  for (const r of reports) if (!hasContributor(r) && r.data.force && !forceNames.includes(r.data.force)) forceNames.push(r.data.force);
  forceNames.sort(textOrder);
  const forces = forceNames.map((name) => ({
    force: name,
    ...presenceOf(reports.filter((r) => !hasContributor(r) && r.data.force === name), false),
  }));

  // "When there are whole-force claims it sums the forces present instead." Reading: claims that count.
  const wholeForceClaims = forces.some((x) => x.strength.claims.length > 0);
  return {
    requests,
    authorizations,
    contributors,
    forces,
    total: wholeForceClaims ? totalOf(forces, 'forces') : totalOf(contributors, 'contributors'),
  };
};
