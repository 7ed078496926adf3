import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { InvalidInput, NotFound } from '../core/errors';
import { EVENT_TYPES } from '../core/events';
import { AnyReadModel } from '../core/projections/read-model';
import { Answers } from '../http/api-responses';
import { casualties, situation, timeline, troopPresence } from '../projections';
import { Register } from '../register/register';
import { LiveEvents } from './live-events';
import { LiveViews } from './live-views';
import { LiveEventsQuery, LiveQuery } from './live.query';
import { LiveOptions, LIVE_OPTIONS } from './live-options';
import { lastEventId, SseChannel } from './sse-channel';
import { Role } from '../access/role.decorator';

const STREAM = 'text/event-stream';
const Live = (what: string): MethodDecorator => (target, key, descriptor) => {
  ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The id of the last message had: the stream resumes after it, with no new snapshot' })(target, key, descriptor);
  ApiOkResponse({
    description: `Server-Sent Events: \`snapshot\` (id: the log position) with ${what}, then \`update\` for each append request that changes it; \`: heartbeat\` comments; a last \`overflow\` (a client that fell too far behind) or \`shutdown\` before the server closes the stream`,
    // A stream of messages, not one JSON document: the media type is declared, the messages are described above.
    content: { [STREAM]: {} },
  })(target, key, descriptor);
  Answers([400, 'A query parameter other than lastEventId'], [404, 'Unknown incident'], 500)(target, key, descriptor);
};

/** The projections and the log, live, over Server-Sent Events. */
@ApiTags('live')
@Role('reader', { live: true })
@Controller()
export class LiveController {
  constructor(
    private readonly views: LiveViews,
    private readonly events: LiveEvents,
    private readonly register: Register,
    @Inject(LIVE_OPTIONS) private readonly options: LiveOptions,
  ) {}

  @Get('incidents/:id/troop-presence/live')
  @ApiOperation({ summary: 'Troop presence, live' })
  @Live('the whole troop-presence answer')
  troopPresence(@Param('id') id: string, @Query() _query: LiveQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.follow(troopPresence, id, req, res);
  }

  @Get('incidents/:id/casualties/live')
  @ApiOperation({ summary: 'Casualty tallies, live' })
  @Live('the whole casualties answer')
  casualties(@Param('id') id: string, @Query() _query: LiveQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.follow(casualties, id, req, res);
  }

  @Get('incidents/:id/situation/live')
  @ApiOperation({ summary: 'Situation board, live' })
  @Live('the whole situation answer')
  situation(@Param('id') id: string, @Query() _query: LiveQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.follow(situation, id, req, res);
  }

  @Get('incidents/:id/timeline/live')
  @ApiOperation({ summary: 'Timeline, live' })
  @Live('the whole timeline answer')
  timeline(@Param('id') id: string, @Query() _query: LiveQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.follow(timeline, id, req, res);
  }

  @Get('events/live')
  @ApiOperation({ summary: 'The raw events as they are written: one update per append request, { position, append, events }' })
  @Live('{ position, incidentId, types } (the position to resume from)')
  async liveEvents(@Query() query: LiveEventsQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    const incidentId = query.incident ?? null;
    if (incidentId !== null && !this.register.incident(incidentId)) throw new NotFound(`No incident ${incidentId}`);
    const types = query.type === undefined ? null : query.type.split(',').map((t) => t.trim());
    const unknown = types?.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t)) ?? [];
    if (types !== null && (types.length === 0 || unknown.length > 0)) {
      throw new InvalidInput([{ field: 'type', message: `type must be event types separated by commas, one of ${EVENT_TYPES.join(', ')}; not ${unknown.join(', ') || '(empty)'}` }]);
    }
    await this.events.follow(new SseChannel(res, this.options), { incidentId, types }, lastEventId(req).position);
  }

  private async follow(model: AnyReadModel, incidentId: string, req: Request, res: Response): Promise<void> {
    if (!this.register.incident(incidentId)) throw new NotFound(`No incident ${incidentId}`);
    await this.views.follow(model, incidentId, new SseChannel(res, this.options), lastEventId(req).position);
  }
}
