import { Controller, Get, Logger, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NotFound } from '../core/errors';
import { Projector } from '../core/projections/projector';
import { Answers } from '../http/api-responses';
import { incidentPartition } from '../projections/facts';
import { Register } from '../register/register';
import { ClockQuery, readClocks } from '../replay/clocks';
import { COLUMNS, ExportRow, exportRows } from './rows';
import { coalesced, csvStringifier, geojsonOf } from './streams';
import { Role } from '../access/role.decorator';

const CLOCKS = ['asOf', 'knownAt', 'atPosition', 'minPosition'] as const;
const Clocks = (): MethodDecorator => (target, key, descriptor) => {
  for (const name of CLOCKS) ApiQuery({ name, required: false })(target, key, descriptor);
};

const HEADERS = (extension: string) => ({
  'Content-Disposition': {
    description: `attachment; filename="<incident>-events.${extension}"`,
    required: true,
    schema: { type: 'string' as const },
  },
  'X-Log-Position': {
    description: 'The log position the export reflects: atPosition=<it> with the same other filters gives the same rows',
    required: true,
    schema: { type: 'integer' as const },
  },
});

/** What a client that hangs up part way makes the pipeline fail with. */
const HUNG_UP = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED', 'ECONNRESET', 'EPIPE']);

const nullable = (type: string) => ({ type, nullable: true });

/** The GeoJSON answer's schema: a FeatureCollection of Points whose properties are the CSV's columns. */
const FEATURE_COLLECTION = {
  type: 'object',
  required: ['type', 'features'],
  properties: {
    type: { type: 'string', enum: ['FeatureCollection'] },
    features: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'id', 'geometry', 'properties'],
        properties: {
          type: { type: 'string', enum: ['Feature'] },
          id: { type: 'string', description: 'The event id' },
          geometry: {
            type: 'object',
            required: ['type', 'coordinates'],
            properties: {
              type: { type: 'string', enum: ['Point'] },
              coordinates: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2, description: '[longitude, latitude]' },
            },
          },
          properties: {
            type: 'object',
            required: [...COLUMNS],
            additionalProperties: false,
            properties: {
              event_id: { type: 'string' },
              type: { type: 'string' },
              occurred_at: { type: 'string', format: 'date-time' },
              occurred_precision: { type: 'string', enum: ['exact', 'hour', 'day', 'approximate'] },
              reported_at: { type: 'string', format: 'date-time' },
              location: nullable('string'),
              latitude: nullable('number'),
              longitude: nullable('number'),
              category: nullable('string'),
              group: nullable('string'),
              low: nullable('integer'),
              best: nullable('integer'),
              high: { type: 'integer', nullable: true, description: 'null when the figure is open-ended' },
              qualifier: { type: 'string', nullable: true, enum: ['exact', 'approximately', 'at_least', 'more_than', 'up_to'] },
              source_id: { type: 'string' },
              publisher: nullable('string'),
              attributed_to: nullable('string'),
              quote: nullable('string'),
              retracted: { type: 'boolean' },
              corrected: { type: 'boolean' },
            } satisfies Record<(typeof COLUMNS)[number], object>,
          },
        },
      },
    },
  },
};

const ERRORS = (): MethodDecorator =>
  Answers(
    [400, 'A clock that is not a date, date-time or log position, or an unknown query parameter'],
    [404, 'Unknown incident'],
    [503, 'minPosition not reached within 5 seconds'],
    500,
  );

/**
 * An incident's events for spreadsheets (CSV) and GIS (GeoJSON), on the projections' three clocks.
 * Both are streamed: rows are made and written as the client reads them, never the whole file at once.
 * Every error is answered before the first byte.
 */
@ApiTags('exports')
@Role('reader')
@Controller()
export class ExportsController {
  private readonly logger = new Logger('Exports');

  constructor(private readonly projector: Projector, private readonly register: Register) {}

  @Get('incidents/:id/events.csv')
  @ApiOperation({ summary: 'The events as CSV (RFC 4180), in timeline order, with the timeline\'s retracted / corrected flags' })
  @Clocks()
  @ApiOkResponse({
    description: `A header row, then one row per event: ${COLUMNS.join(', ')}; empty where not applicable, high empty when open-ended, booleans true / false`,
    headers: HEADERS('csv'),
    content: { 'text/csv': { example: `${COLUMNS.join(',')}\r\n` } },
  })
  @ERRORS()
  async csv(@Param('id') id: string, @Query() query: ClockQuery, @Res() res: Response): Promise<void> {
    const { rows, position } = await this.rows(id, query);
    this.begin(res, id, 'csv', 'text/csv; charset=utf-8', position);
    await this.send(res, [Readable.from(rows), csvStringifier(), coalesced()]);
  }

  @Get('incidents/:id/events.geojson')
  @ApiOperation({ summary: 'The events that have coordinates as a GeoJSON FeatureCollection of Points, the CSV\'s columns as properties' })
  @Clocks()
  @ApiOkResponse({ description: 'A FeatureCollection (RFC 7946)', headers: HEADERS('geojson'), content: { 'application/geo+json': { schema: FEATURE_COLLECTION } } })
  @ERRORS()
  async geojson(@Param('id') id: string, @Query() query: ClockQuery, @Res() res: Response): Promise<void> {
    const { rows, position } = await this.rows(id, query);
    this.begin(res, id, 'geojson', 'application/geo+json', position);
    await this.send(res, [Readable.from(geojsonOf(rows)), coalesced()]);
  }

  /** Everything that can fail with an error body, before any byte: the incident, the clocks, minPosition. */
  private async rows(incidentId: string, query: ClockQuery): Promise<{ rows: Iterable<ExportRow>; position: number }> {
    const incident = this.register.incident(incidentId);
    if (!incident) throw new NotFound(`No incident ${incidentId}`);
    const { filters, minPosition } = readClocks(query, incident.timeZone);
    if (minPosition !== null) await this.projector.waitFor(minPosition, 5000);
    // The facts and the head are read in one turn, so the rows are those of the position answered.
    const head = this.projector.position();
    const facts = this.projector.facts(incidentPartition(incidentId));
    const rows = exportRows(facts, filters, (sourceId) => this.register.source(sourceId)?.publisher ?? null);
    return { rows, position: filters.atPosition === null ? head : Math.min(filters.atPosition, head) };
  }

  private begin(res: Response, incidentId: string, extension: string, type: string, position: number): void {
    res.status(200);
    res.setHeader('Content-Type', type);
    // Incident ids are letters, digits, ".", "_", ":" and "-": nothing to escape in a quoted filename.
    res.setHeader('Content-Disposition', `attachment; filename="${incidentId}-events.${extension}"`);
    res.setHeader('X-Log-Position', String(position));
  }

  /** Pipes with backpressure; a client that hangs up ends it quietly, another failure cuts the answer short (and is logged). */
  private async send(res: Response, streams: NodeJS.ReadableStream[]): Promise<void> {
    try {
      await pipeline([...streams, res]);
    } catch (error) {
      if (HUNG_UP.has((error as { code?: string }).code ?? '')) return;
      this.logger.error(`An export stopped part way: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
}
