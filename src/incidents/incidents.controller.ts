import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBody, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { EventStore } from '../core/event-store/event-store';
import { EVENT_TYPES } from '../core/events';
import { Answers, ETAG_HEADER, NotModified } from '../http/api-responses';
import { Register } from '../register/register';
import { SourceBody } from '../sources/source.responses';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { CATALOGUE } from './catalogue';
import { Incident, incidentStream, RegisterIncident } from './incident';
import { IncidentLog } from './incident-log';
import { EventQuery, EventsQuery } from './queries';
import { EventBatchBody, EventEnvelopeBody } from './payloads/envelope';
import { Role } from '../access/role.decorator';

const payloadClasses = Object.values(CATALOGUE).map((kind) => kind.payload);

/** A registered incident, as answered. */
export class IncidentBody {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiPropertyOptional() region?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'In UTC' }) startedAt?: string;
  @ApiProperty({ description: 'IANA name; gives date-only values their day', example: 'Asia/Almaty' }) timeZone: string;
}

/** An incident with its stream's state. */
export class IncidentStateBody extends IncidentBody {
  @ApiProperty({ type: 'integer' }) eventCount: number;
  @ApiProperty({ type: 'integer', description: 'The last revision; -1 when the incident has no events' }) revision: number;
}

export class IncidentListBody {
  @ApiProperty({ type: () => [IncidentStateBody] }) incidents: IncidentStateBody[];
}

/** One event of an append's answer. */
export class AppendedEventBody {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer' }) revision: number;
  @ApiProperty({ type: 'integer' }) position: number;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) hash: string;
  @ApiPropertyOptional({ enum: [true], description: 'In a batch that mixes stored and new events: this one was stored before' }) existing?: true;
}

/** POST /incidents/:id/events answers this, 201 when something was stored, 200 for a resend. */
export class AppendAnswerBody {
  @ApiProperty({ type: () => [AppendedEventBody] }) events: AppendedEventBody[];
  @ApiProperty({ type: 'integer', description: "The incident's revision after the append (for a resend, the greatest of the events')" }) revision: number;
  @ApiProperty({ type: 'integer' }) position: number;
}

export class EventSourceRefBody {
  @ApiProperty() sourceId: string;
  @ApiPropertyOptional() quote?: string;
  @ApiPropertyOptional() attributedTo?: string;
}

export class EventLocationBody {
  @ApiProperty() name: string;
  @ApiPropertyOptional() lat?: number;
  @ApiPropertyOptional() lon?: number;
  @ApiPropertyOptional({ enum: ['exact', 'city', 'region', 'country'] }) precision?: string;
}

/** An event exactly as stored and hashed (GET /events/:eventId?raw=true): hash and position are in headers. */
export class RawEventBody {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: EVENT_TYPES as unknown as string[] }) type: string;
  @ApiProperty() incidentId: string;
  @ApiProperty({ type: 'integer' }) revision: number;
  @ApiProperty({ type: 'integer' }) schemaVersion: number;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiPropertyOptional({ description: 'occurredAt exactly as the client sent it' }) occurredAtAsReported?: string;
  @ApiPropertyOptional({ enum: ['exact', 'hour', 'day', 'approximate'] }) occurredPrecision?: string;
  @ApiPropertyOptional({ type: () => EventLocationBody }) location?: EventLocationBody;
  @ApiProperty({ type: () => EventSourceRefBody }) source: EventSourceRefBody;
  @ApiProperty({ format: 'date-time' }) reportedAt: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "The type's payload" }) data: Record<string, unknown>;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: "The previous event's hash in the stream; 64 zeros for the first" }) prevHash: string;
}

/** A stored event as served: upcast to the current schema, with its hash and log position. */
export class StoredEventBody extends RawEventBody {
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) hash: string;
  @ApiProperty({ type: 'integer' }) position: number;
}

export class EventPageBody {
  @ApiProperty({ type: () => [StoredEventBody] }) events: StoredEventBody[];
  @ApiProperty({ type: 'integer', nullable: true, description: 'The revision to pass as after for the next page; null on the last' }) next: number | null;
}

export class EventDetailBody {
  @ApiProperty({ type: () => StoredEventBody }) event: StoredEventBody;
  @ApiProperty({ type: () => SourceBody, nullable: true }) source: SourceBody | null;
  @ApiProperty({ type: [String], description: 'The ids of the retractions of this event' }) retractedBy: string[];
  @ApiProperty({ type: [String], description: 'The ids of the corrections of this event' }) correctedBy: string[];
}

const REVISION_ETAG = ETAG_HEADER('"<revision>": the incident\'s current revision', true);

@ApiTags('incidents')
@ApiExtraModels(EventEnvelopeBody, EventBatchBody, ...payloadClasses, EventDetailBody, RawEventBody)
@Controller()
export class IncidentsController {
  constructor(
    private readonly log: IncidentLog,
    private readonly register: Register,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post('incidents')
  @Role('reporter')
  @HttpCode(201)
  @ApiOperation({ summary: 'Register an incident (201; 200 for the same body again; 409 for the same id with another body)' })
  @ApiCreatedResponse({ type: IncidentBody, description: 'Registered' })
  @ApiOkResponse({ type: IncidentBody, description: 'The same body again: already registered, nothing stored' })
  @Answers(400, [409, 'The same id was registered with another body'], 413, 415, 500)
  async create(@Body() body: RegisterIncident, @Res({ passthrough: true }) res: Response): Promise<Incident> {
    const { created, entity } = await this.log.registerIncident(body);
    res.status(created ? 201 : 200);
    return entity;
  }

  @Get('incidents')
  @Role('reader')
  @ApiOkResponse({ type: IncidentListBody, headers: ETAG_HEADER() })
  @NotModified()
  @Answers(400, 500)
  async list(): Promise<{ incidents: unknown[] }> {
    const incidents = this.register.allIncidents();
    const heads = await Promise.all(incidents.map((incident) => this.store.streamHead(incidentStream(incident.id))));
    return {
      incidents: incidents.map((incident, i) => {
        const revision = heads[i]?.revision ?? -1;
        return { ...incident, eventCount: revision + 1, revision };
      }),
    };
  }

  @Get('incidents/:id')
  @Role('reader')
  @ApiOkResponse({ type: IncidentStateBody, headers: REVISION_ETAG })
  @NotModified()
  @Answers(400, [404, 'Unknown incident'], 500)
  async one(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<unknown> {
    const incident = this.log.incident(id);
    const revision = (await this.store.streamHead(incidentStream(id)))?.revision ?? -1;
    res.setHeader('ETag', `"${revision}"`);
    return { ...incident, eventCount: revision + 1, revision };
  }

  @Post('incidents/:id/events')
  @Role('reporter')
  @HttpCode(201)
  @ApiOperation({ summary: 'Report one event, or an atomic batch of up to 1,000 as { events: [...] }' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The revision the incident must be at, e.g. "3" ("-1" when empty)' })
  @ApiBody({
    schema: { oneOf: [{ $ref: getSchemaPath(EventEnvelopeBody) }, { $ref: getSchemaPath(EventBatchBody) }] },
    description: `data is checked against the type's payload class: ${Object.keys(CATALOGUE).join(', ')}`,
  })
  @ApiCreatedResponse({ type: AppendAnswerBody, headers: REVISION_ETAG, description: 'Stored (in a batch mixing stored and new events, the stored ones carry existing: true)' })
  @ApiOkResponse({ type: AppendAnswerBody, headers: REVISION_ETAG, description: 'Every event was already stored with the same body: the first answer again, nothing stored' })
  @Answers(
    400,
    [404, 'Unknown incident'],
    [409, 'An event id already stored with another body or in another incident, or If-Match / expectedRevision is not the current revision'],
    413,
    415,
    [422, 'A valid shape that breaks a rule: unknown sourceId, a quote not in the source text, a retraction or correction whose target does not exist'],
    500,
    [503, 'The read models (which index event ids and retraction targets) did not catch up within 5 seconds'],
  )
  async report(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const { created, answer } = await this.log.report(id, body, ifMatch);
    res.status(created ? 201 : 200);
    res.setHeader('ETag', `"${answer.revision}"`);
    return answer;
  }

  @Get('incidents/:id/events')
  @Role('reader')
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'after', required: false, description: 'a revision; events after it' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  @ApiOkResponse({ type: EventPageBody, headers: REVISION_ETAG })
  @NotModified()
  @Answers(400, [404, 'Unknown incident'], 500)
  async events(
    @Param('id') id: string,
    @Query() query: EventsQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const { events, next, revision } = await this.log.events(id, query);
    res.setHeader('ETag', `"${revision}"`);
    return { events, next };
  }

  @Get('events/:eventId')
  @Role('reader')
  @ApiQuery({ name: 'raw', required: false, description: 'true: the event exactly as stored and hashed' })
  @ApiOkResponse({
    description: 'The event with its source and the events that retract or correct it; with raw=true, exactly the bytes that were hashed',
    schema: { oneOf: [{ $ref: getSchemaPath(EventDetailBody) }, { $ref: getSchemaPath(RawEventBody) }] },
    headers: {
      ...ETAG_HEADER(),
      'X-Event-Hash': { description: 'With raw=true: the hash of the body', required: false, schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
      'X-Event-Position': { description: 'With raw=true: the log position', required: false, schema: { type: 'integer' } },
    },
  })
  @NotModified()
  @Answers(400, [404, 'Unknown event'], 500, [503, 'The read models (which index event ids) did not catch up within 5 seconds'])
  async event(
    @Param('eventId') eventId: string,
    @Query() query: EventQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    if (query.raw !== 'true') return this.log.eventDetail(eventId);
    // Exactly the bytes that were hashed: an auditor hashes the body and compares it with X-Event-Hash.
    const stored = await this.log.storedEvent(eventId);
    res.setHeader('X-Event-Hash', stored.hash);
    res.setHeader('X-Event-Position', String(stored.position));
    return new StreamableFile(Buffer.from(stored.json, 'utf8'), { type: 'application/json' });
  }
}
