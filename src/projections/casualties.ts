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
  // Grouped through nested maps of the key's parts: no key string is built per report.
  const groups: Array<{ key: CasualtyKey; reports: Standing<'CasualtiesReported'>[] }> = [];
  const byCategory = new Map<string, Map<string, Map<string, Standing<'CasualtiesReported'>[]>>>();
  for (const report of reports) {
    const { category, group } = report.data;
    const scope = report.data.scope ?? 'nationwide';
    const byGroup = byCategory.get(category) ?? byCategory.set(category, new Map()).get(category)!;
    const byScope = byGroup.get(group) ?? byGroup.set(group, new Map()).get(group)!;
    let members = byScope.get(scope);
    if (!members) {
      members = [];
      byScope.set(scope, members);
      groups.push({ key: casualtyKey(report.data), reports: members });
    }
    members.push(report);
  }
  return groups
    .map(({ key, reports: claims }): CasualtyTally => {
      const summary = summarise(claims.map((r) => claimOf(r, r.data.figure)), outdatedByLaterTotals);
      return {
        category: key.category,
        group: key.group,
        scope: key.scope,
        low: summary.low,
        best: summary.best,
        high: summary.high,
        openEnded: summary.openEnded,
        bestFrom: summary.bestFrom,
        claims: summary.claims,
        excluded: summary.excluded,
      };
    })
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
