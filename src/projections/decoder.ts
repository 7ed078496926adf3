import { RecordedEvent } from '../core/event-store/event-store';
import { IncidentEvent } from '../core/events';
import { INCIDENT_STREAM_PREFIX } from '../incidents/incident';
import { inCurrentSchema } from '../incidents/stored-event';

/** The projector's decoder: a stored incident event as the folds take it; null for the other streams' events. */
export const incidentEventOf = (e: RecordedEvent): IncidentEvent | null =>
  e.stream.startsWith(INCIDENT_STREAM_PREFIX) ? (inCurrentSchema(e) as unknown as IncidentEvent) : null;
