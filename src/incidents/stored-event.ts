import { RecordedEvent } from '../core/event-store/event-store';
import { EventType } from '../core/events';
import { validatePlain } from '../validation/check';
import { CATALOGUE, isEventType, upcast } from './catalogue';

/** An event as served: the stored event (upcast to the current schema) with its hash and position. */
export const inCurrentSchema = (e: RecordedEvent): Record<string, unknown> => {
  const { type, schemaVersion, data } = e.event as { type: EventType; schemaVersion?: number; data?: Record<string, unknown> };
  const current = isEventType(type) && schemaVersion !== undefined && data !== undefined && schemaVersion < CATALOGUE[type].schemaVersion
    ? { schemaVersion: CATALOGUE[type].schemaVersion, data: checked(e, type, upcast(type, schemaVersion, data)) }
    : {};
  return { ...e.event, ...current, hash: e.hash, position: e.position };
};

/** A payload written by an older version is checked again once upcast: a bad upcaster fails loudly, never silently. */
function checked(e: RecordedEvent, type: EventType, data: Record<string, unknown>): Record<string, unknown> {
  const errors = validatePlain(CATALOGUE[type].payload, data, 'data');
  if (errors.length > 0) {
    throw new Error(`Event ${e.id} (${type}, position ${e.position}) is invalid once upcast: ${errors.map((d) => `${d.field}: ${d.message}`).join('; ')}`);
  }
  return data;
}
