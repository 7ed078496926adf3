import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiHeader, ApiOperation, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { EventStore } from '../core/event-store/event-store';
import { Register } from '../register/register';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { CATALOGUE } from './catalogue';
import { Incident, incidentStream, RegisterIncident } from './incident';
import { IncidentLog } from './incident-log';
import { EventQuery, EventsQuery } from './queries';
import { EventBatchBody, EventEnvelopeBody } from './payloads/envelope';

const payloadClasses = Object.values(CATALOGUE).map((kind) => kind.payload);

@ApiTags('incidents')
@ApiExtraModels(EventEnvelopeBody, EventBatchBody, ...payloadClasses)
@Controller()
export class IncidentsController {
  constructor(
    private readonly log: IncidentLog,
    private readonly register: Register,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post('incidents')
  @HttpCode(201)
  @ApiOperation({ summary: 'Register an incident (201; 200 for the same body again; 409 for the same id with another body)' })
  async create(@Body() body: RegisterIncident, @Res({ passthrough: true }) res: Response): Promise<Incident> {
    const { created, entity } = await this.log.registerIncident(body);
    res.status(created ? 201 : 200);
    return entity;
  }

  @Get('incidents')
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
  async one(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<unknown> {
    const incident = this.log.incident(id);
    const revision = (await this.store.streamHead(incidentStream(id)))?.revision ?? -1;
    res.setHeader('ETag', `"${revision}"`);
    return { ...incident, eventCount: revision + 1, revision };
  }

  @Post('incidents/:id/events')
  @HttpCode(201)
  @ApiOperation({ summary: 'Report one event, or an atomic batch of up to 1,000 as { events: [...] }' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The revision the incident must be at, e.g. "3" ("-1" when empty)' })
  @ApiBody({
    schema: { oneOf: [{ $ref: getSchemaPath(EventEnvelopeBody) }, { $ref: getSchemaPath(EventBatchBody) }] },
    description: `data is checked against the type's payload class: ${Object.keys(CATALOGUE).join(', ')}`,
  })
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
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'after', required: false, description: 'a revision; events after it' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
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
  @ApiQuery({ name: 'raw', required: false, description: 'true: the event exactly as stored and hashed' })
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
