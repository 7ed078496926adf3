import { Payloads } from '../core/events';
import { Filters } from '../core/filters';
import { ReadModel } from '../core/projections/read-model';
import { claimOf, outdatedByLaterTotals, summarise, Summary } from './claims';
import { Fact, handledBy, incidentPartition, isOfType } from './facts';
import { standing, Standing } from './knowledge';
import { byText } from './order';

type Casualties = Payloads['CasualtiesReported'];

export interface CasualtyKey {
  category: Casualties['category'];
  group: Casualties['group'];
  scope: string;
}

export type CasualtyTally = CasualtyKey & Summary;

export interface CasualtiesView {
  tallies: CasualtyTally[];
}

/**
 * The key a claim counts for, after its correction: a correction that changes it moves the claim (a
 * retracted claim, too, is listed as excluded under its corrected key).
 */
export const casualtyKey = (data: Casualties): CasualtyKey => ({
  category: data.category,
  group: data.group,
  scope: data.scope ?? 'nationwide',
});

const byKey = (a: CasualtyKey, b: CasualtyKey): number =>
  byText(a.category, b.category) || byText(a.group, b.group) || byText(a.scope, b.scope);

export const tallies = (reports: Standing<'CasualtiesReported'>[]): CasualtyTally[] => {
  const byKeyId = new Map<string, { key: CasualtyKey; reports: Standing<'CasualtiesReported'>[] }>();
  for (const report of reports) {
    const key = casualtyKey(report.data);
    const id = `${key.category}\u0000${key.group}\u0000${key.scope}`;
    const entry = byKeyId.get(id) ?? byKeyId.set(id, { key, reports: [] }).get(id)!;
    entry.reports.push(report);
  }
  return [...byKeyId.values()]
    .map(({ key, reports: claims }) => ({
      ...key,
      ...summarise(claims.map((r) => claimOf(r, r.data.figure)), outdatedByLaterTotals),
    }))
    .sort(byKey);
};

export const casualties: ReadModel<CasualtiesView> = {
  name: 'casualties',
  partitionOf: incidentPartition,
  canHandle: handledBy({
    ProtestReported: false,
    MeasureImposed: false,
    MeasureLifted: false,
    GovernmentChanged: false,
    OfficialStatusChanged: false,
    AssistanceRequested: false,
    DeploymentAuthorized: false,
    TroopsDeployed: false,
    TroopsWithdrawn: false,
    FacilityControlChanged: false,
    CasualtiesReported: true,
    StatementMade: false,
    ClaimRetracted: true,
    ClaimCorrected: true,
  }),
  view: (facts: readonly Fact[], filters: Filters): CasualtiesView => ({
    tallies: tallies(standing(facts, filters).filter(isOfType('CasualtiesReported'))),
  }),
};
