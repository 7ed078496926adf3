import { Envelope, EventType, IncidentEvent, isKnowledgeStatement } from '../events';

/**
 * What the read models keep of a stored incident event: the three clocks, the source and the payload,
 * without the hash chain and bookkeeping. Plain data: it is stored as JSON and read back unchanged.
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

/**
 * The partitions a fact is read through: its incident, its source and, for a retraction or
 * correction, the statements of its incident (which flag events of any source).
 */
export const incidentPartition = (incidentId: string): string => `incident:${incidentId}`;
export const sourcePartition = (sourceId: string): string => `source:${sourceId}`;
export const statementsPartition = (incidentId: string): string => `statements:${incidentId}`;

export const partitionsOf = (fact: Fact): string[] => [
  incidentPartition(fact.incidentId),
  sourcePartition(fact.source.sourceId),
  ...(isKnowledgeStatement(fact) ? [statementsPartition(fact.incidentId)] : []),
];
