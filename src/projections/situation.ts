import { Measure, Payloads } from '../core/events';
import { Filters } from '../core/filters';
import { ReadModel } from '../core/projections/read-model';
import { Fact, handledBy, incidentPartition, isOfType } from './facts';
import { isCounted, standing, Standing } from './knowledge';
import { byText } from './order';

export interface MeasureState {
  measure: Measure;
  scope: string;
  active: boolean;
  since: string;
  sinceAsReported: string;
  /** That of the latest MeasureImposed of the key, or null: a measure `other` says what it is. */
  description: string | null;
  eventId: string;
}

export interface FacilityState {
  facility: string;
  controlledBy: string;
  since: string;
  sinceAsReported: string;
  eventId: string;
}

export interface OfficialState {
  person: string;
  role: string | null;
  status: Payloads['OfficialStatusChanged']['change'];
  since: string;
  sinceAsReported: string;
  eventId: string;
}

export interface GovernmentChange {
  body: string;
  change: Payloads['GovernmentChanged']['change'];
  at: string;
  atAsReported: string;
  eventId: string;
}

export interface SituationView {
  measures: MeasureState[];
  facilities: FacilityState[];
  officials: OfficialState[];
  government: GovernmentChange[];
}

/**
 * Per key, the latest event (it decides the value) and the event that set the current value: a repeated
 * report of the same value is not a change, so `since` is when the current state began. `events` come
 * in "latest" order.
 */
const settled = <T extends { occurredAt: string; occurredAtAsReported: string }>(events: T[], keyOf: (e: T) => string, valueOf: (e: T) => string) => {
  const byKey = new Map<string, { latest: T; since: T }>();
  for (const e of events) {
    const current = byKey.get(keyOf(e));
    const since = current && valueOf(current.latest) === valueOf(e) ? current.since : e;
    byKey.set(keyOf(e), { latest: e, since });
  }
  return [...byKey.values()];
};

export const situationFrom = (events: Standing[]): SituationView => {
  const counted = events.filter(isCounted);
  const measureChanges = counted.filter(isOfType('MeasureImposed', 'MeasureLifted'));
  const facilityChanges = counted.filter(isOfType('FacilityControlChanged'));
  const officialChanges = counted.filter(isOfType('OfficialStatusChanged'));

  const measureKey = (e: (typeof measureChanges)[number]) => JSON.stringify([e.data.measure, e.data.scope ?? 'nationwide']);
  const descriptions = new Map<string, string | null>();
  for (const e of measureChanges) if (e.type === 'MeasureImposed') descriptions.set(measureKey(e), e.data.description ?? null);
  const measures = settled(measureChanges, measureKey, (e) => e.type)
    .map(({ latest, since }) => ({
      measure: latest.data.measure,
      scope: latest.data.scope ?? 'nationwide',
      active: latest.type === 'MeasureImposed',
      since: since.occurredAt,
      sinceAsReported: since.occurredAtAsReported,
      description: descriptions.get(measureKey(latest)) ?? null,
      eventId: since.id,
    }))
    .sort((a, b) => byText(a.measure, b.measure) || byText(a.scope, b.scope));

  const facilities = settled(facilityChanges, (e) => e.data.facility, (e) => e.data.controlledBy)
    .map(({ latest, since }) => ({ facility: latest.data.facility, controlledBy: latest.data.controlledBy, since: since.occurredAt, sinceAsReported: since.occurredAtAsReported, eventId: since.id }))
    .sort((a, b) => byText(a.facility, b.facility));

  // A report that leaves the role out does not take away the role an earlier one named.
  const roles = new Map(officialChanges.flatMap((e) => (e.data.role ? [[e.data.person, e.data.role] as const] : [])));
  const officials = settled(officialChanges, (e) => e.data.person, (e) => e.data.change)
    .map(({ latest, since }) => ({
      person: latest.data.person,
      role: roles.get(latest.data.person) ?? null,
      status: latest.data.change,
      since: since.occurredAt,
      sinceAsReported: since.occurredAtAsReported,
      eventId: since.id,
    }))
    .sort((a, b) => byText(a.person, b.person));

  // Government changes are a history, not a state: every change, by body, then in "latest" order.
  const government = counted
    .filter(isOfType('GovernmentChanged'))
    .map((e) => ({ body: e.data.body, change: e.data.change, at: e.occurredAt, atAsReported: e.occurredAtAsReported, eventId: e.id }))
    .sort((a, b) => byText(a.body, b.body));

  return { measures, facilities, officials, government };
};

export const situation: ReadModel<SituationView> = {
  name: 'situation',
  partitionOf: incidentPartition,
  canHandle: handledBy({
    ProtestReported: false,
    MeasureImposed: true,
    MeasureLifted: true,
    GovernmentChanged: true,
    OfficialStatusChanged: true,
    AssistanceRequested: false,
    DeploymentAuthorized: false,
    TroopsDeployed: false,
    TroopsWithdrawn: false,
    FacilityControlChanged: true,
    CasualtiesReported: false,
    StatementMade: false,
    ClaimRetracted: true,
    ClaimCorrected: true,
  }),
  view: (facts: readonly Fact[], filters: Filters): SituationView => situationFrom(standing(facts, filters)),
};
