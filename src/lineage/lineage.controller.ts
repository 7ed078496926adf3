import { applyDecorators, Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { AnyReadModel } from '../core/projections/read-model';
import { Answers } from '../http/api-responses';
import { casualties, situation, timeline, troopPresence } from '../projections';
import { Proofs } from '../audit/proofs';
import { Lineage } from './lineage';
import { ChangesQuery, LineageQuery } from './lineage.query';
import { Role } from '../access/role.decorator';

const objects = (description?: string) => ({ type: 'array' as const, items: { type: 'object' as const, additionalProperties: true }, description });

export class LineageBody {
  @ApiProperty() incidentId: string;
  @ApiProperty() projection: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) filters: object;
  @ApiProperty({ type: 'integer' }) position: number;
  @ApiProperty({ description: 'The JSON pointer asked for' }) path: string;
  @ApiProperty({ description: 'The value at the pointer', nullable: true, oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }, { type: 'object' }, { type: 'array', items: {} }] }) value: unknown;
  @ApiProperty({ description: 'How the value was derived from the events, in words' }) rule: string;
  @ApiProperty(objects('The events that produced it: { eventId, type, sourceId, quote, attributedTo, occurredAt, occurredAtAsReported, reportedAt, position }')) events: object[];
  @ApiProperty(objects('Claims left out and why: { eventId, by, reason, event, byEvent }')) excluded: object[];
  @ApiProperty(objects('The sources of those events: { id, publisher, title, publishedAt, url }')) sources: object[];
  @ApiProperty({ type: [String] }) eventIds: string[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'With proof=true: the raw events, their chain links to a signed head, and its signature' }) proof?: object;
}

export class ChangesBody {
  @ApiProperty() incidentId: string;
  @ApiProperty() projection: string;
  @ApiProperty({ enum: ['knownAt', 'asOf'] }) clock: string;
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty(objects('{ path, before, after, events: [eventId] }: events are those between the two times that made the difference')) changes: object[];
}

const LineageRoute = (name: string): MethodDecorator =>
  applyDecorators(
    ApiOperation({ summary: `Where one value of the ${name} answer comes from: its rule in words, its events, sources and the claims left out` }),
    ApiOkResponse({ type: LineageBody }),
    Answers([400, 'No path, a path that is not a JSON pointer, or a bad clock'], [404, 'Unknown incident, or a pointer that names nothing (the reason is given)'], [503, 'minPosition not reached within 5 seconds'], 500),
  );
const ChangesRoute = (name: string): MethodDecorator =>
  applyDecorators(
    ApiOperation({ summary: `What differs in the ${name} answer between two times on one clock, and the events in between that made it differ` }),
    ApiOkResponse({ type: ChangesBody }),
    Answers([400, 'from or to missing or not a date or date-time, or an unknown clock'], [404, 'Unknown incident'], 500),
  );

/** Lineage of every value, and what changed between two times. */
@ApiTags('audit')
@Role('auditor')
@Controller('incidents/:id')
export class LineageController {
  constructor(private readonly lineage: Lineage, private readonly proofs: Proofs) {}

  @Get('troop-presence/lineage') @LineageRoute('troop-presence')
  troopPresence(@Param('id') id: string, @Query() query: LineageQuery) {
    return this.lineageOf(troopPresence, id, query);
  }

  @Get('casualties/lineage') @LineageRoute('casualties')
  casualties(@Param('id') id: string, @Query() query: LineageQuery) {
    return this.lineageOf(casualties, id, query);
  }

  @Get('situation/lineage') @LineageRoute('situation')
  situation(@Param('id') id: string, @Query() query: LineageQuery) {
    return this.lineageOf(situation, id, query);
  }

  @Get('timeline/lineage') @LineageRoute('timeline')
  timeline(@Param('id') id: string, @Query() query: LineageQuery) {
    return this.lineageOf(timeline, id, query);
  }

  @Get('troop-presence/changes') @ChangesRoute('troop-presence')
  troopPresenceChanges(@Param('id') id: string, @Query() query: ChangesQuery) {
    return this.lineage.changes(troopPresence, id, query);
  }

  @Get('casualties/changes') @ChangesRoute('casualties')
  casualtiesChanges(@Param('id') id: string, @Query() query: ChangesQuery) {
    return this.lineage.changes(casualties, id, query);
  }

  @Get('situation/changes') @ChangesRoute('situation')
  situationChanges(@Param('id') id: string, @Query() query: ChangesQuery) {
    return this.lineage.changes(situation, id, query);
  }

  @Get('timeline/changes') @ChangesRoute('timeline')
  timelineChanges(@Param('id') id: string, @Query() query: ChangesQuery) {
    return this.lineage.changes(timeline, id, query);
  }

  private async lineageOf(model: AnyReadModel, id: string, query: LineageQuery) {
    const answer = await this.lineage.lineage(model, id, query);
    if (query.proof !== 'true') return answer;
    // Everything an auditor needs offline: the events behind the value, and the left-out claims and
    // what left them out, each in its chain up to a signed head.
    const ids = [...new Set([...answer.eventIds, ...answer.excluded.flatMap((x) => [x.eventId, x.by])])];
    return { ...answer, proof: await this.proofs.bundle(ids) };
  }
}
