// Given/when/then for read models: given(...reports).when(filters).then(expected part of the view).
import { EventType, IncidentEvent, Location, Payloads, Precision, SourceRef } from '../core/events';
import { Filters } from '../core/filters';
import { factOf, partitionsOf } from '../core/projections/facts';
import { ReadModel } from '../core/projections/read-model';
import { instant, isDateOnly } from '../core/time';

export interface Report<T extends EventType = EventType> {
  type: T;
  data: Payloads[T];
  id?: string;
  occurredAt?: string;
  occurredPrecision?: Precision;
  reportedAt?: string;
  source?: Partial<SourceRef>;
  location?: Location;
  incidentId?: string;
}

export type ReportEnvelope = Omit<Report, 'type' | 'data'>;

export const INCIDENT = 'incident-1';
const FIRST_DAY = '2022-01-05T00:00:00.000Z';
const HOUR = 3_600_000;

/** A date is the start of that day in UTC; a date-time is read with its zone. */
export const at = (value: string): string => instant(value, 'UTC', 'start');
const later = (iso: string, hours: number): string => new Date(Date.parse(iso) + hours * HOUR).toISOString();

export const report = <T extends EventType>(type: T, data: Payloads[T], envelope: ReportEnvelope = {}): Report =>
  ({ type, data, ...envelope }) as Report;

/**
 * Stored events as the log would hold them: positions 1, 2, ... in the given order, ids `e1`, `e2`, ...
 * unless given, occurredAt one hour apart from 5 January 2022 unless given, reportedAt six hours after
 * occurredAt unless given, source `src-1` unless given.
 */
export const stored = (...reports: Report[]): IncidentEvent[] =>
  reports.map((r, i) => {
    const occurredAt = r.occurredAt ? at(r.occurredAt) : later(FIRST_DAY, i);
    return {
      id: r.id ?? `e${i + 1}`,
      type: r.type,
      occurredAt,
      occurredAtAsReported: r.occurredAt ?? occurredAt,
      occurredPrecision: r.occurredPrecision ?? (r.occurredAt && isDateOnly(r.occurredAt) ? 'day' : 'exact'),
      ...(r.location && { location: r.location }),
      source: { sourceId: 'src-1', ...r.source },
      reportedAt: r.reportedAt ? at(r.reportedAt) : later(occurredAt, 6),
      data: r.data,
      incidentId: r.incidentId ?? INCIDENT,
      schemaVersion: 1,
      revision: i,
      position: i + 1,
      recordedAt: '2024-01-01T00:00:00.000Z',
      prevHash: '0'.repeat(64),
      hash: '0'.repeat(64),
    } as IncidentEvent;
  });

export type Clocks = { asOf?: string; knownAt?: string; atPosition?: number };

/** Filters as the HTTP layer normalises them: a date-only asOf or knownAt is the end of that day (UTC). */
export const clocks = ({ asOf, knownAt, atPosition }: Clocks = {}): Filters => ({
  asOf: asOf === undefined ? null : instant(asOf, 'UTC', 'end'),
  knownAt: knownAt === undefined ? null : instant(knownAt, 'UTC', 'end'),
  atPosition: atPosition ?? null,
});

/** The view of one read model over events, partitioned as the projector partitions them. */
export const viewOf = <V>(model: ReadModel<V>, events: IncidentEvent[], filters: Filters, scope = INCIDENT): V => {
  const facts = events.map(factOf);
  const partition = (name: string) => facts.filter((f) => partitionsOf(f).includes(name));
  return model.view(partition(model.partitionOf(scope)).filter((f) => model.canHandle(f)), filters, scope, partition);
};

export const projection = <V>(model: ReadModel<V>, scope = INCIDENT) => ({
  given: (...reports: Report[]) => ({
    when: (filters: Clocks = {}) => {
      const view = () => viewOf(model, stored(...reports), clocks(filters), scope);
      return {
        view,
        then: (expected: unknown): V => {
          const answer = view();
          expect(answer).toMatchObject(expected as object);
          return answer;
        },
      };
    },
  }),
});
