import { Injectable } from '@nestjs/common';
import { NotFound } from '../core/errors';
import { Filters } from '../core/filters';
import { Projector } from '../core/projections/projector';
import { AnyReadModel } from '../core/projections/read-model';
import { Incident } from '../core/registrations';
import { Register } from '../register/register';
import { ClockQuery, readClocks } from './clocks';

export interface ProjectionAnswer {
  incident: Incident;
  filters: Filters;
  position: number;
  /** The answer as GET answers it: `{ incidentId, filters, position, ...projection }`. */
  body: Record<string, unknown>;
}

/** A projection's answer on the three clocks, as the projection routes, lineage and changes all give it. */
@Injectable()
export class ProjectionReader {
  constructor(private readonly projector: Projector, private readonly register: Register) {}

  incident(incidentId: string): Incident {
    const incident = this.register.incident(incidentId);
    if (!incident) throw new NotFound(`No incident ${incidentId}`);
    return incident;
  }

  async answer(model: AnyReadModel, incidentId: string, query: ClockQuery): Promise<ProjectionAnswer> {
    const incident = this.incident(incidentId);
    const { filters, position } = await this.clocks(query, incident.timeZone);
    return { incident, filters, position, body: this.bodyAt(model, incidentId, filters, position) };
  }

  bodyAt(model: AnyReadModel, incidentId: string, filters: Filters, position: number): Record<string, unknown> {
    return { incidentId, filters: echo(filters), position, ...this.projector.view<object>(model, incidentId, filters) };
  }

  async clocks(query: ClockQuery, timeZone: string): Promise<{ filters: Filters; position: number }> {
    const { filters, minPosition } = readClocks(query, timeZone);
    if (minPosition !== null) await this.projector.waitFor(minPosition, 5000);
    const head = this.projector.position();
    return { filters, position: filters.atPosition === null ? head : Math.min(filters.atPosition, head) };
  }
}

export const echo = (filters: Filters) => ({ asOf: filters.asOf, knownAt: filters.knownAt, atPosition: filters.atPosition });
