import { Figure } from '../core/events';
import { Filters } from '../core/filters';
import { ReadModel } from '../core/projections/read-model';
import { claimOf, outdatedBefore, summarise, Summary } from './claims';
import { emptyLog, FactLog, handledBy, isOfType, record } from './facts';
import { isCounted, standing, Standing } from './knowledge';
import { byText } from './order';

export type TroopStatus = 'authorized' | 'arriving' | 'deployed' | 'withdrawing' | 'withdrawn';

/** Status is null only for a party whose every troop report was retracted (kept for its `excluded` list). */
export interface Presence {
  status: TroopStatus | null;
  strength: Summary;
  firstArrivedAt: string | null;
  withdrawnAt: string | null;
}

export type ContributorPresence = { contributor: string; force: string | null } & Presence;
export type ForcePresence = { force: string } & Presence;

export interface TroopTotal {
  low: number;
  best: number;
  high: number | null;
  openEnded: boolean;
  from: 'forces' | 'contributors';
}

export interface TroopPresenceView {
  requests: { requestedBy: string; requestedFrom: string; at: string; eventId: string }[];
  authorizations: { authority: string; contributors: string[]; at: string; eventId: string }[];
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

/**
 * One party's presence from its reports in "latest" order. A status change is a change of the status
 * value; `authorized` holds until the first report, and `withdrawnAt` is when the current `withdrawn`
 * began (null unless withdrawn).
 */
export const presenceOf = (reports: TroopReport[], authorized: boolean): Presence => {
  let status: TroopStatus | null = authorized ? 'authorized' : null;
  let change: TroopReport | null = null;
  let firstArrivedAt: string | null = null;
  for (const r of reports.filter(isCounted)) {
    if (statusOf(r) !== status) [status, change] = [statusOf(r), r];
    if (r.type === 'TroopsDeployed') firstArrivedAt ??= r.occurredAt;
  }
  const claims = reports.flatMap((r) => {
    const figure = strengthOf(r);
    return figure ? [claimOf(r, figure)] : [];
  });
  return {
    status,
    strength: summarise(claims, outdatedBefore(change)),
    firstArrivedAt,
    withdrawnAt: status === 'withdrawn' && change ? change.occurredAt : null,
  };
};

/**
 * A party with no counted strength adds 0, and so does an unknown lower bound (counts are not negative);
 * a party whose high is unbounded makes the total's high null.
 */
const totalOf = (strengths: Summary[], from: TroopTotal['from']): TroopTotal =>
  strengths.reduce<TroopTotal>(
    (t, s) => ({
      low: t.low + (s.low ?? 0),
      best: t.best + (s.best ?? 0),
      high: t.high === null || (s.best !== null && s.high === null) ? null : t.high + (s.high ?? 0),
      openEnded: t.openEnded || s.openEnded,
      from,
    }),
    { low: 0, best: 0, high: 0, openEnded: false, from },
  );

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
      eventId: r.id,
    })),
    authorizations: authorizations.map((a) => ({
      authority: a.data.authority,
      contributors: a.data.contributors ?? [],
      at: a.occurredAt,
      eventId: a.id,
    })),
    contributors,
    forces,
    total: fromForces
      ? totalOf(forces.map((f) => f.strength), 'forces')
      : totalOf(contributors.filter((c) => c.status !== 'withdrawn').map((c) => c.strength), 'contributors'),
  };
};

export const troopPresence: ReadModel<FactLog, TroopPresenceView> = {
  name: 'troop-presence',
  partition: (event) => event.incidentId,
  initial: emptyLog,
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
  evolve: record,
  view: (log: FactLog, filters: Filters): TroopPresenceView => presenceFrom(standing(log.facts, filters)),
};
