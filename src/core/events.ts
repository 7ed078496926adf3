// The event catalogue of EVENTS.md as plain data: a discriminated union on `type`.
// Folds take these already-validated objects; validation lives at the edges (src/incidents/payloads).

export type Qualifier = 'exact' | 'approximately' | 'at_least' | 'more_than' | 'up_to';
export type Precision = 'exact' | 'hour' | 'day' | 'approximate';

export interface Figure {
  best: number;
  low?: number;
  high?: number;
  qualifier?: Qualifier;
  text?: string;
}

export interface Location {
  name: string;
  lat?: number;
  lon?: number;
  precision?: 'exact' | 'city' | 'region' | 'country';
}

export interface SourceRef {
  sourceId: string;
  quote?: string;
  attributedTo?: string;
}

export type Measure =
  | 'state_of_emergency'
  | 'curfew'
  | 'internet_shutdown'
  | 'market_suspension'
  | 'flight_suspension'
  | 'price_control'
  | 'other';

export interface Payloads {
  ProtestReported: { description: string; cause?: string; participants?: Figure };
  MeasureImposed: { measure: Measure; scope?: string; description?: string };
  MeasureLifted: { measure: Measure; scope?: string };
  GovernmentChanged: { change: 'resigned' | 'dismissed' | 'appointed'; body: string; description?: string };
  OfficialStatusChanged: {
    person: string;
    role?: string;
    change: 'removed' | 'appointed' | 'detained' | 'released' | 'resigned';
    charge?: string;
  };
  AssistanceRequested: { requestedBy: string; requestedFrom: string; purpose?: string };
  DeploymentAuthorized: { authority: string; contributors?: string[]; mandate?: string };
  TroopsDeployed: { contributor?: string; force?: string; strength?: Figure; status: 'arriving' | 'deployed' };
  TroopsWithdrawn: { contributor?: string; force?: string; strength?: Figure; completed: boolean };
  FacilityControlChanged: { facility: string; controlledBy: string; previousController?: string };
  CasualtiesReported: {
    category: 'killed' | 'injured' | 'arrested';
    group: 'security_forces' | 'protesters' | 'civilians' | 'unspecified';
    figure: Figure;
    scope?: string;
  };
  StatementMade: { speaker: string; summary: string };
  ClaimRetracted: { eventId: string; reason?: string };
  ClaimCorrected: { eventId: string; figure?: Figure; data?: Record<string, unknown> };
}

export type EventType = keyof Payloads;
export const EVENT_TYPES = [
  'ProtestReported',
  'MeasureImposed',
  'MeasureLifted',
  'GovernmentChanged',
  'OfficialStatusChanged',
  'AssistanceRequested',
  'DeploymentAuthorized',
  'TroopsDeployed',
  'TroopsWithdrawn',
  'FacilityControlChanged',
  'CasualtiesReported',
  'StatementMade',
  'ClaimRetracted',
  'ClaimCorrected',
] as const satisfies readonly EventType[];

/** What a client sends once defaults are filled in (the body compared for idempotency). */
export interface Envelope<T extends EventType = EventType> {
  id: string;
  type: T;
  occurredAt: string; // ISO 8601 UTC
  /** occurredAt exactly as the client sent it: a date-only value stays that date. */
  occurredAtAsReported: string;
  occurredPrecision: Precision;
  location?: Location;
  source: SourceRef;
  reportedAt: string; // ISO 8601 UTC
  data: Payloads[T];
}

/** A reported event as stored in an incident stream and served back. */
export type IncidentEvent = {
  [T in EventType]: Envelope<T> & {
    incidentId: string;
    schemaVersion: number;
    revision: number;
    position: number;
    recordedAt: string;
    prevHash: string;
    hash: string;
  };
}[EventType];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Event ids are UUIDs compared in one form: two that differ only in letter case are the same id. */
export const canonicalId = (id: string): string => (UUID.test(id) ? id.toLowerCase() : id);

export const isKnowledgeStatement = (e: { type: string }): boolean =>
  e.type === 'ClaimRetracted' || e.type === 'ClaimCorrected';

/** An event with its id and, for a retraction or correction, its target's id in their one canonical form. */
export const withCanonicalIds = <E extends { id?: string; type: string; data: unknown }>(e: E): E => ({
  ...e,
  ...(e.id !== undefined && { id: canonicalId(e.id) }),
  ...(isKnowledgeStatement(e) && { data: { ...(e.data as object), eventId: canonicalId((e.data as { eventId: string }).eventId) } }),
});
