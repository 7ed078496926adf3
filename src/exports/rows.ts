import { EventType, Figure, Precision, Qualifier } from '../core/events';
import { Filters } from '../core/filters';
import { Fact } from '../projections/facts';
import { bounds } from '../projections/figures';
import { knowledgeAt, listed } from '../projections/knowledge';
import { flagsOf } from '../projections/timeline';

// One row per event of an incident, for the CSV and GeoJSON exports (API.md, "Reading"): the events
// the timeline lists under the same filters, in the same ("latest") order, with the same flags.

/** The CSV's columns, in order; the GeoJSON's property names. */
export const COLUMNS = [
  'event_id',
  'type',
  'occurred_at',
  'occurred_precision',
  'reported_at',
  'location',
  'latitude',
  'longitude',
  'category',
  'group',
  'low',
  'best',
  'high',
  'qualifier',
  'source_id',
  'publisher',
  'attributed_to',
  'quote',
  'retracted',
  'corrected',
] as const;

export type Column = (typeof COLUMNS)[number];

/** A row as typed values; null where a column does not apply (an empty CSV field). */
export interface ExportRow {
  event_id: string;
  type: EventType;
  occurred_at: string;
  occurred_precision: Precision;
  reported_at: string;
  location: string | null;
  latitude: number | null;
  longitude: number | null;
  category: string | null;
  group: string | null;
  low: number | null;
  best: number | null;
  /** null when the figure is open-ended (or there is none) */
  high: number | null;
  qualifier: Qualifier | null;
  source_id: string;
  publisher: string | null;
  attributed_to: string | null;
  quote: string | null;
  retracted: boolean;
  corrected: boolean;
}

const FIGURE_FIELDS = ['figure', 'strength', 'participants'] as const;

const isFigure = (value: unknown): value is Figure =>
  typeof value === 'object' && value !== null && typeof (value as Figure).best === 'number';

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The figure an event carries as reported: a casualty report's `figure`, a troop report's `strength`,
 * a protest's `participants`; a correction's own new figure (its `figure`, or one its `data` sets).
 */
export const figureOf = (f: Fact): Figure | null => {
  switch (f.type) {
    case 'CasualtiesReported':
      return f.data.figure;
    case 'TroopsDeployed':
    case 'TroopsWithdrawn':
      return f.data.strength ?? null;
    case 'ProtestReported':
      return f.data.participants ?? null;
    case 'ClaimCorrected': {
      if (f.data.figure) return f.data.figure;
      const data = f.data.data ?? {};
      for (const field of FIGURE_FIELDS) if (isFigure(data[field])) return data[field];
      return null;
    }
    default:
      return null;
  }
};

/** A casualty report's category and group; a correction's own, when its `data` sets them. */
const keyOf = (f: Fact): { category: string | null; group: string | null } => {
  if (f.type === 'CasualtiesReported') return { category: f.data.category, group: f.data.group };
  if (f.type === 'ClaimCorrected') return { category: text(f.data.data?.category), group: text(f.data.data?.group) };
  return { category: null, group: null };
};

const coordinate = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * The rows of an incident's events under the filters: the events the timeline lists, in its order, with
 * its flags. Which events and flags is settled now (so an append made while the rows are read changes
 * nothing); each row is made only when it is read, so nothing holds the whole export.
 * `facts` are the incident's facts (any order); `publisherOf` names a source's publisher.
 */
export function exportRows(
  facts: readonly Fact[],
  filters: Filters,
  publisherOf: (sourceId: string) => string | null,
): Iterable<ExportRow> {
  const knowledge = knowledgeAt(facts, filters);
  const events = listed(facts, filters);
  function* rows(): Generator<ExportRow> {
    for (const f of events) yield rowOf(f, flagsOf(f, knowledge), publisherOf);
  }
  return { [Symbol.iterator]: rows };
}

const rowOf = (
  f: Fact,
  flags: { retracted: boolean; corrected: boolean },
  publisherOf: (sourceId: string) => string | null,
): ExportRow => {
  const figure = figureOf(f);
  const b = figure ? bounds(figure) : null;
  return {
    event_id: f.id,
    type: f.type,
    occurred_at: f.occurredAt,
    occurred_precision: f.occurredPrecision,
    reported_at: f.reportedAt,
    location: f.location?.name ?? null,
    latitude: coordinate(f.location?.lat),
    longitude: coordinate(f.location?.lon),
    ...keyOf(f),
    low: b?.low ?? null,
    best: b?.best ?? null,
    high: b?.high ?? null,
    qualifier: b?.qualifier ?? null,
    source_id: f.source.sourceId,
    publisher: publisherOf(f.source.sourceId),
    attributed_to: f.source.attributedTo ?? null,
    quote: f.source.quote ?? null,
    ...flags,
  };
};

/** A GeoJSON Point feature for a row with both coordinates, its columns as properties; null for one without. */
export const featureOf = (row: ExportRow): object | null =>
  row.latitude === null || row.longitude === null
    ? null
    : { type: 'Feature', id: row.event_id, geometry: { type: 'Point', coordinates: [row.longitude, row.latitude] }, properties: row };
