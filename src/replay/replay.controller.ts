import { applyDecorators, Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { NotFound } from '../core/errors';
import { Answers, ETAG_HEADER, NotModified } from '../http/api-responses';
import { Projector } from '../core/projections/projector';
import { AnyReadModel } from '../core/projections/read-model';
import { casualties, situation, sourceLedger, timeline, troopPresence } from '../projections';
import { Register } from '../register/register';
import { ClockQuery } from './clocks';
import { echo, ProjectionReader } from './projection-reader';
import { Role } from '../access/role.decorator';

const CLOCKS = ['asOf', 'knownAt', 'atPosition', 'minPosition'] as const;
const Clocks = (): MethodDecorator => (target, key, descriptor) => {
  for (const name of CLOCKS) ApiQuery({ name, required: false })(target, key, descriptor);
};

const objects = (description?: string) => ({ type: 'array' as const, items: { type: 'object' as const, additionalProperties: true }, description });

/** The clocks the answer was computed on; null when not given. */
export class FiltersBody {
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) asOf: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) knownAt: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) atPosition: number | null;
}

/** What every projection answers besides the projection itself. */
export class ProjectionBody {
  @ApiProperty() incidentId: string;
  @ApiProperty({ type: () => FiltersBody }) filters: FiltersBody;
  @ApiProperty({ type: 'integer', description: 'The log position the answer reflects' }) position: number;
}

export class TroopTotalBody {
  @ApiProperty({ type: 'integer', nullable: true }) low: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) best: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) high: number | null;
  @ApiProperty() openEnded: boolean;
  @ApiProperty({ enum: ['forces', 'contributors'] }) from: string;
}

export class TroopPresenceBody extends ProjectionBody {
  @ApiProperty(objects()) requests: object[];
  @ApiProperty(objects()) authorizations: object[];
  @ApiProperty(objects()) contributors: object[];
  @ApiProperty(objects()) forces: object[];
  @ApiProperty({ type: () => TroopTotalBody }) total: TroopTotalBody;
}

export class CasualtiesBody extends ProjectionBody {
  @ApiProperty(objects('low / best / high per category, group and scope, with every claim and exclusion')) tallies: object[];
}

export class SituationBody extends ProjectionBody {
  @ApiProperty(objects()) measures: object[];
  @ApiProperty(objects()) facilities: object[];
  @ApiProperty(objects()) officials: object[];
  @ApiProperty(objects()) government: object[];
}

export class TimelineBody extends ProjectionBody {
  @ApiProperty(objects()) entries: object[];
}

export class SourceLedgerBody {
  @ApiProperty({ type: () => FiltersBody }) filters: FiltersBody;
  @ApiProperty({ type: 'integer' }) position: number;
  @ApiProperty() sourceId: string;
  @ApiProperty() publisher: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'date-time' }) publishedAt: string;
  @ApiProperty({ type: 'string', nullable: true }) url: string | null;
  @ApiProperty(objects()) events: object[];
}

/** Every status a projection route answers besides its 200. */
const ProjectionAnswers = (unknown: string): MethodDecorator =>
  applyDecorators(
    NotModified(),
    Answers(
      [400, 'A clock that is not a date, date-time or log position, or an unknown query parameter'],
      [404, unknown],
      [503, 'minPosition not reached within 5 seconds'],
      500,
    ),
  );

/** The projections as of any event time, knowledge time and log position. */
@ApiTags('projections')
@Role('reader')
@Controller()
export class ReplayController {
  constructor(private readonly projector: Projector, private readonly register: Register, private readonly answers: ProjectionReader) {}

  @Get('incidents/:id/troop-presence')
  @ApiOperation({ summary: 'Troop presence: requests, authorizations, contributors, forces and total' })
  @Clocks()
  @ApiOkResponse({ type: TroopPresenceBody, headers: ETAG_HEADER() })
  @ProjectionAnswers('Unknown incident')
  troopPresence(@Param('id') id: string, @Query() query: ClockQuery) {
    return this.answer(troopPresence, id, query);
  }

  @Get('incidents/:id/casualties')
  @ApiOperation({ summary: 'Casualty tallies: low / best / high across sources, with every claim and exclusion' })
  @Clocks()
  @ApiOkResponse({ type: CasualtiesBody, headers: ETAG_HEADER() })
  @ProjectionAnswers('Unknown incident')
  casualties(@Param('id') id: string, @Query() query: ClockQuery) {
    return this.answer(casualties, id, query);
  }

  @Get('incidents/:id/situation')
  @ApiOperation({ summary: 'Situation board: measures, facilities, officials, government' })
  @Clocks()
  @ApiOkResponse({ type: SituationBody, headers: ETAG_HEADER() })
  @ProjectionAnswers('Unknown incident')
  situation(@Param('id') id: string, @Query() query: ClockQuery) {
    return this.answer(situation, id, query);
  }

  @Get('incidents/:id/timeline')
  @ApiOperation({ summary: 'Timeline in "latest" order, with retracted and corrected flags' })
  @Clocks()
  @ApiOkResponse({ type: TimelineBody, headers: ETAG_HEADER() })
  @ProjectionAnswers('Unknown incident')
  timeline(@Param('id') id: string, @Query() query: ClockQuery) {
    return this.answer(timeline, id, query);
  }

  @Get('sources/:id/ledger')
  @ApiOperation({ summary: 'Source ledger: the events a source produced and the figures they carry (dates read in UTC)' })
  @Clocks()
  @ApiOkResponse({ type: SourceLedgerBody, headers: ETAG_HEADER() })
  @ProjectionAnswers('Unknown source')
  async ledger(@Param('id') id: string, @Query() query: ClockQuery) {
    const source = this.register.source(id);
    if (!source) throw new NotFound(`No source ${id}`);
    const { filters, position } = await this.answers.clocks(query, 'UTC');
    const { sourceId, ...ledger } = this.projector.view<{ sourceId: string }>(sourceLedger, id, filters);
    const about = { publisher: source.publisher, title: source.title, publishedAt: source.publishedAt, url: source.url ?? null };
    return { filters: echo(filters), position, sourceId, ...about, ...ledger };
  }

  private async answer(model: AnyReadModel, incidentId: string, query: ClockQuery) {
    return (await this.answers.answer(model, incidentId, query)).body;
  }
}
