import { RecordedEvent } from '../core/event-store/event-store';
import { EventType, IncidentEvent } from '../core/events';
import { CATALOGUE, isEventType, upcast } from './catalogue';
import { INCIDENT_STREAM_PREFIX } from './incident';

/** An event as served: the stored event (upcast to the current schema) with its hash and position. */
export const served = (e: RecordedEvent): Record<string, unknown> => {
  const { type, schemaVersion, data } = e.event as { type: EventType; schemaVersion?: number; data?: Record<string, unknown> };
  const current = isEventType(type) && schemaVersion !== undefined && data !== undefined && schemaVersion < CATALOGUE[type].schemaVersion
    ? { schemaVersion: CATALOGUE[type].schemaVersion, data: upcast(type, schemaVersion, data) }
    : {};
  return { ...e.event, ...current, hash: e.hash, position: e.position };
};

/** A stored incident event as the folds take it; null for the other streams' events. */
export const incidentEventOf = (e: RecordedEvent): IncidentEvent | null =>
  e.stream.startsWith(INCIDENT_STREAM_PREFIX) ? (served(e) as unknown as IncidentEvent) : null;
