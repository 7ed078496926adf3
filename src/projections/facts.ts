import { Envelope, EventType, IncidentEvent } from '../core/events';

/**
 * What a read model keeps of a stored event: the three clocks, the source and the payload, without
 * the hash chain and bookkeeping. Plain data, so a state survives a JSON round trip unchanged.
 */
type FactOf<T extends EventType> = Pick<
  Envelope<T>,
  'id' | 'type' | 'occurredAt' | 'occurredAtAsReported' | 'occurredPrecision' | 'reportedAt' | 'source' | 'location' | 'data'
> & { incidentId: string; position: number };

export type Fact<T extends EventType = EventType> = { [K in T]: FactOf<K> }[T];

export const factOf = (event: IncidentEvent): Fact => {
  const { sourceId, quote, attributedTo } = event.source;
  return {
    id: event.id,
    type: event.type,
    incidentId: event.incidentId,
    position: event.position,
    occurredAt: event.occurredAt,
    // Events stored before the field existed show their UTC instant.
    occurredAtAsReported: event.occurredAtAsReported ?? event.occurredAt,
    occurredPrecision: event.occurredPrecision,
    reportedAt: event.reportedAt,
    source: { sourceId, ...(quote !== undefined && { quote }), ...(attributedTo !== undefined && { attributedTo }) },
    ...(event.location && { location: event.location }),
    data: event.data,
  } as Fact;
};

export const isOfType =
  <T extends EventType>(...types: T[]) =>
  <F extends { type: EventType }>(fact: F): fact is Extract<F, { type: T }> =>
    (types as EventType[]).includes(fact.type);

/** The state of every incident read model: the facts it handles, in log order. */
export interface FactLog {
  lastPosition: number;
  facts: Fact[];
}

export const emptyLog = (): FactLog => ({ lastPosition: -1, facts: [] });

/**
 * Appends in place and returns the same state: O(1) per event. A caller that needs an earlier state
 * keeps a copy (the checkpoint's JSON). An event at or before the last position is a redelivery and
 * changes nothing.
 */
export const record = (log: FactLog, event: IncidentEvent): FactLog => {
  if (event.position <= log.lastPosition) return log;
  log.facts.push(factOf(event));
  log.lastPosition = event.position;
  return log;
};

/** Exhaustive at compile time: a new event type must be placed in or out of each read model. */
export type Handles = Record<EventType, boolean>;

export const handledBy = (handles: Handles) => (event: { type: EventType }): boolean => handles[event.type] === true;
