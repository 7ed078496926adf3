import { Envelope, EventType, IncidentEvent, isKnowledgeStatement, withCanonicalIds } from '../events';

/**
 * What the read models keep of a stored incident event: the three clocks, the source and the payload,
 * without the hash chain and bookkeeping. Plain data: it is stored as JSON and read back unchanged.
 */
type FactOf<T extends EventType> = Pick<
  Envelope<T>,
  'id' | 'type' | 'occurredAt' | 'occurredAtAsReported' | 'occurredPrecision' | 'reportedAt' | 'source' | 'location' | 'data'
> & { incidentId: string; position: number };

export type Fact<T extends EventType = EventType> = { [K in T]: FactOf<K> }[T];

/** Ids in their one canonical form, the event's and a retraction's or correction's target, whatever case they were stored in. */
export const factOf = (event: IncidentEvent): Fact =>
  asFact(withCanonicalIds(event) as unknown as Fact);

/**
 * A fact with every field in one place, absent ones undefined (dropped when stored as JSON): one object
 * shape for all facts, so the folds over tens of thousands of them stay on V8's fast paths.
 */
export const asFact = (f: Fact): Fact =>
  ({
    id: f.id,
    type: f.type,
    incidentId: f.incidentId,
    position: f.position,
    occurredAt: f.occurredAt,
    // Events stored before the field existed show their UTC instant.
    occurredAtAsReported: f.occurredAtAsReported ?? f.occurredAt,
    occurredPrecision: f.occurredPrecision,
    reportedAt: f.reportedAt,
    source: { sourceId: f.source.sourceId, quote: f.source.quote, attributedTo: f.source.attributedTo },
    location: f.location,
    data: f.data,
  }) as Fact;

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
