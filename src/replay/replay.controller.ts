import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { NotFound } from '../core/errors';
import { Filters } from '../core/filters';
import { Projector } from '../core/projections/projector';
import { AnyReadModel } from '../core/projections/read-model';
import { casualties, situation, sourceLedger, timeline, troopPresence } from '../projections';
import { Register } from '../register/register';
import { ClockQuery, readClocks } from './clocks';

const CLOCKS = ['asOf', 'knownAt', 'atPosition', 'minPosition'] as const;
const Clocks = (): MethodDecorator => (target, key, descriptor) => {
  for (const name of CLOCKS) ApiQuery({ name, required: false })(target, key, descriptor);
};

/** The projections as of any event time, knowledge time and log position. */
@ApiTags('projections')
@Controller()
export class ReplayController {
  constructor(private readonly projector: Projector, private readonly register: Register) {}

  @Get('incidents/:id/troop-presence')
  @ApiOperation({ summary: 'Troop presence: requests, authorizations, contributors, forces and total' })
  @Clocks()
  troopPresence(@Param('id') id: string, @Query() query: ClockQuery) {
    return this.answer(troopPresence, id, query);
  }

  @Get('incidents/:id/casualties')
  @ApiOperation({ summary: 'Casualty tallies: low / best / high across sources, with every claim and exclusion' })
  @Clocks()
  casualties(@Param('id') id: string, @Query() query: ClockQuery) {
    return this.answer(casualties, id, query);
  }

  @Get('incidents/:id/situation')
  @ApiOperation({ summary: 'Situation board: measures, facilities, officials, government' })
  @Clocks()
  situation(@Param('id') id: string, @Query() query: ClockQuery) {
    return this.answer(situation, id, query);
  }

  @Get('incidents/:id/timeline')
  @ApiOperation({ summary: 'Timeline in "latest" order, with retracted and corrected flags' })
  @Clocks()
  timeline(@Param('id') id: string, @Query() query: ClockQuery) {
    return this.answer(timeline, id, query);
  }

  @Get('sources/:id/ledger')
  @ApiOperation({ summary: 'Source ledger: the events a source produced and the figures they carry (dates read in UTC)' })
  @Clocks()
  async ledger(@Param('id') id: string, @Query() query: ClockQuery) {
    if (!this.register.source(id)) throw new NotFound(`No source ${id}`);
    const { filters, position } = await this.clocks(query, 'UTC');
    return { filters: echo(filters), position, ...this.projector.view<object>(sourceLedger, id, filters) };
  }

  private async answer(model: AnyReadModel, incidentId: string, query: ClockQuery) {
    const incident = this.register.incident(incidentId);
    if (!incident) throw new NotFound(`No incident ${incidentId}`);
    const { filters, position } = await this.clocks(query, incident.timeZone);
    return { incidentId, filters: echo(filters), position, ...this.projector.view<object>(model, incidentId, filters) };
  }

  private async clocks(query: ClockQuery, timeZone: string): Promise<{ filters: Filters; position: number }> {
    const { filters, minPosition } = readClocks(query, timeZone);
    if (minPosition !== null) await this.projector.waitFor(minPosition, 5000);
    const head = this.projector.position();
    return { filters, position: filters.atPosition === null ? head : Math.min(filters.atPosition, head) };
  }
}

const echo = (filters: Filters) => ({ asOf: filters.asOf, knownAt: filters.knownAt, atPosition: filters.atPosition });
