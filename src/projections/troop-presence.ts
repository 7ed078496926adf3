import { Figure } from '../core/events';
import { Filters } from '../core/filters';
import { ReadModel } from '../core/projections/read-model';
import { claimOf, outdatedBefore, summarise, Summary } from './claims';
import { Fact, handledBy, incidentPartition, isOfType } from './facts';
import { isCounted, standing, Standing } from './knowledge';
import { byText } from './order';

export type TroopStatus = 'authorized' | 'arriving' | 'deployed' | 'withdrawing' | 'withdrawn';

/** Status is null only for a party whose every troop report was retracted (kept for its `excluded` list). */
export interface Presence {
  status: TroopStatus | null;
  strength: Summary;
  firstArrivedAt: string | null;
  firstArrivedAtAsReported: string | null;
  withdrawnAt: string | null;
  withdrawnAtAsReported: string | null;
}

export type ContributorPresence = { contributor: string; force: string | null } & Presence;
export type ForcePresence = { force: string } & Presence;

export interface TroopTotal {
  low: number | null;
  best: number | null;
  high: number | null;
  openEnded: boolean;
  from: 'forces' | 'contributors';
}

export interface TroopPresenceView {
  requests: { requestedBy: string; requestedFrom: string; at: string; atAsReported: string; eventId: string }[];
  authorizations: { authority: string; contributors: string[]; at: string; atAsReported: string; eventId: string }[];
  contributors: ContributorPresence[];
  forces: ForcePresence[];
  total: TroopTotal;
}

type TroopReport = Standing<'TroopsDeployed' | 'TroopsWithdrawn'>;

const statusOf = (r: TroopReport): TroopStatus =>
  r.type === 'TroopsDeployed' ? r.data.status : r.data.completed ? 'withdrawn' : 'withdrawing';

/** A completed withdrawal without a strength claims 0; a report without a strength claims nothing. */
const strengthOf = (r: TroopReport): Figure | null =>
  r.data.strength ?? (r.type === 'TroopsWithdrawn' && r.data.completed ? { best: 0 } : null);

const isWithdrawal = (status: TroopStatus | null): boolean => status === 'withdrawing' || status === 'withdrawn';

/**
 * One party's presence from its reports in "latest" order. `authorized` holds until the first report;
 * `withdrawnAt` is when the current `withdrawn` began (null unless withdrawn). Strength is a level: only
 * a level change outdates a claim (every withdrawal step, and a deployment that returns after one);
 * `arriving` and `deployed` name the same force.
 */
export const presenceOf = (reports: TroopReport[], authorized: boolean): Presence => {
  let status: TroopStatus | null = authorized ? 'authorized' : null;
  let statusChange: TroopReport | null = null;
  let levelChange: TroopReport | null = null;
  let firstArrival: TroopReport | null = null;
  for (const r of reports.filter(isCounted)) {
    if (r.type === 'TroopsWithdrawn' || isWithdrawal(status)) levelChange = r;
    if (statusOf(r) !== status) [status, statusChange] = [statusOf(r), r];
    if (r.type === 'TroopsDeployed') firstArrival ??= r;
  }
  const claims = reports.flatMap((r) => {
    const figure = strengthOf(r);
    return figure ? [claimOf(r, figure)] : [];
  });
  return {
    status,
    strength: summarise(claims, outdatedBefore(levelChange)),
    firstArrivedAt: firstArrival?.occurredAt ?? null,
    firstArrivedAtAsReported: firstArrival?.occurredAtAsReported ?? null,
    withdrawnAt: status === 'withdrawn' && statusChange ? statusChange.occurredAt : null,
    withdrawnAtAsReported: status === 'withdrawn' && statusChange ? statusChange.occurredAtAsReported : null,
  };
};

const isPresent = (status: TroopStatus | null): boolean => status === 'arriving' || status === 'deployed' || status === 'withdrawing';

const sumOrNull = (xs: (number | null)[]): number | null => {
  const known = xs.filter((x): x is number => x !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
};

/**
 * The units present add up; unknown is not zero. A present unit with no counted strength adds nothing
 * to `low` and `best` and leaves `high` unbounded; with no counted strength at all the total is unknown.
 * With nobody present it is 0 only when someone was present and has left, otherwise unknown.
 */
export const totalOf = (units: Presence[], from: TroopTotal['from']): TroopTotal => {
  const present = units.filter((u) => isPresent(u.status)).map((u) => u.strength);
  if (present.length === 0) {
    const left = units.some((u) => u.status === 'withdrawn');
    return left ? { low: 0, best: 0, high: 0, openEnded: false, from } : { low: null, best: null, high: null, openEnded: false, from };
  }
  const known = present.filter((s) => s.best !== null);
  if (known.length === 0) return { low: null, best: null, high: null, openEnded: true, from };
  const highs = present.map((s) => (s.best === null ? null : s.high));
  return {
    low: sumOrNull(known.map((s) => s.low)),
    best: known.reduce((sum, s) => sum + (s.best as number), 0),
    high: highs.includes(null) ? null : (highs as number[]).reduce((a, b) => a + b, 0),
    openEnded: present.some((s) => s.best === null || s.openEnded),
    from,
  };
};

const groupBy = <T>(xs: T[], keyOf: (x: T) => string | undefined): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const x of xs) {
    const key = keyOf(x);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(x);
    else groups.set(key, [x]);
  }
  return groups;
};

export const presenceFrom = (events: Standing[]): TroopPresenceView => {
  const counted = events.filter(isCounted);
  const requests = counted.filter(isOfType('AssistanceRequested'));
  const authorizations = counted.filter(isOfType('DeploymentAuthorized'));
  const reports = events.filter(isOfType('TroopsDeployed', 'TroopsWithdrawn'));
  const authorized = new Set(authorizations.flatMap((a) => a.data.contributors ?? []));

  const byContributor = groupBy(reports, (r) => r.data.contributor ?? undefined);
  for (const name of authorized) if (!byContributor.has(name)) byContributor.set(name, []);
  const contributors = [...byContributor]
    .sort(([a], [b]) => byText(a, b))
    .map(([contributor, rs]) => ({
      contributor,
      force: rs.filter(isCounted).reduce<string | null>((force, r) => r.data.force ?? force, null),
      ...presenceOf(rs, authorized.has(contributor)),
    }));
  const forces = [...groupBy(reports, (r) => (r.data.contributor == null ? (r.data.force ?? undefined) : undefined))]
    .sort(([a], [b]) => byText(a, b))
    .map(([force, rs]) => ({ force, ...presenceOf(rs, false) }));

  const fromForces = forces.some((f) => f.strength.claims.length > 0);
  return {
    requests: requests.map((r) => ({
      requestedBy: r.data.requestedBy,
      requestedFrom: r.data.requestedFrom,
      at: r.occurredAt,
      atAsReported: r.occurredAtAsReported,
      eventId: r.id,
    })),
    authorizations: authorizations.map((a) => ({
      authority: a.data.authority,
      contributors: a.data.contributors ?? [],
      at: a.occurredAt,
      atAsReported: a.occurredAtAsReported,
      eventId: a.id,
    })),
    contributors,
    forces,
    total: fromForces
      ? totalOf(forces, 'forces')
      : totalOf(contributors, 'contributors'),
  };
};

export const troopPresence: ReadModel<TroopPresenceView> = {
  name: 'troop-presence',
  partitionOf: incidentPartition,
  canHandle: handledBy({
    ProtestReported: false,
    MeasureImposed: false,
    MeasureLifted: false,
    GovernmentChanged: false,
    OfficialStatusChanged: false,
    AssistanceRequested: true,
    DeploymentAuthorized: true,
    TroopsDeployed: true,
    TroopsWithdrawn: true,
    FacilityControlChanged: false,
    CasualtiesReported: false,
    StatementMade: false,
    ClaimRetracted: true,
    ClaimCorrected: true,
  }),
  view: (facts: readonly Fact[], filters: Filters): TroopPresenceView => presenceFrom(standing(facts, filters)),
};
