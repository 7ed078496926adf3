import { Measure, Payloads } from '../core/events';
import { Filters } from '../core/filters';
import { ReadModel } from '../core/projections/read-model';
import { emptyLog, FactLog, handledBy, isOfType, record } from './facts';
import { isCounted, standing, Standing } from './knowledge';
import { byText } from './order';

export interface MeasureState {
  measure: Measure;
  scope: string;
  active: boolean;
  since: string;
  eventId: string;
}

export interface FacilityState {
  facility: string;
  controlledBy: string;
  since: string;
  eventId: string;
}

export interface OfficialState {
  person: string;
  role: string | null;
  status: Payloads['OfficialStatusChanged']['change'];
  since: string;
  eventId: string;
}

export interface GovernmentChange {
  body: string;
  change: Payloads['GovernmentChanged']['change'];
  at: string;
  eventId: string;
}

export interface SituationView {
  measures: MeasureState[];
  facilities: FacilityState[];
  officials: OfficialState[];
  government: GovernmentChange[];
}

/** The last event of each key; the events come in "latest" order, so the last one decides. */
const latestBy = <T>(events: T[], keyOf: (e: T) => string): T[] => [...new Map(events.map((e) => [keyOf(e), e])).values()];

export const situationFrom = (events: Standing[]): SituationView => {
  const counted = events.filter(isCounted);
  const measureChanges = counted.filter(isOfType('MeasureImposed', 'MeasureLifted'));
  const facilityChanges = counted.filter(isOfType('FacilityControlChanged'));
  const officialChanges = counted.filter(isOfType('OfficialStatusChanged'));

  const measures = latestBy(measureChanges, (e) => JSON.stringify([e.data.measure, e.data.scope ?? 'nationwide']))
    .map((e) => ({
      measure: e.data.measure,
      scope: e.data.scope ?? 'nationwide',
      active: e.type === 'MeasureImposed',
      since: e.occurredAt,
      eventId: e.id,
    }))
    .sort((a, b) => byText(a.measure, b.measure) || byText(a.scope, b.scope));

  const facilities = latestBy(facilityChanges, (e) => e.data.facility)
    .map((e) => ({ facility: e.data.facility, controlledBy: e.data.controlledBy, since: e.occurredAt, eventId: e.id }))
    .sort((a, b) => byText(a.facility, b.facility));

  // A report that leaves the role out does not take away the role an earlier one named.
  const roles = new Map(officialChanges.flatMap((e) => (e.data.role ? [[e.data.person, e.data.role] as const] : [])));
  const officials = latestBy(officialChanges, (e) => e.data.person)
    .map((e) => ({
      person: e.data.person,
      role: roles.get(e.data.person) ?? null,
      status: e.data.change,
      since: e.occurredAt,
      eventId: e.id,
    }))
    .sort((a, b) => byText(a.person, b.person));

  // Government changes are a history, not a state: every change, by body, then in "latest" order.
  const government = counted
    .filter(isOfType('GovernmentChanged'))
    .map((e) => ({ body: e.data.body, change: e.data.change, at: e.occurredAt, eventId: e.id }))
    .sort((a, b) => byText(a.body, b.body));

  return { measures, facilities, officials, government };
};

export const situation: ReadModel<FactLog, SituationView> = {
  name: 'situation',
  partition: (event) => event.incidentId,
  initial: emptyLog,
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
  evolve: record,
  view: (log: FactLog, filters: Filters): SituationView => situationFrom(standing(log.facts, filters)),
};
