import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EventStore } from '../core/event-store/event-store';
import { Projector } from '../core/projections/projector';
import { EVENT_STORE } from '../core/event-store/event-store.token';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projector: Projector,
  ) {}

  /** Liveness: the process answers. */
  @Get()
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Readiness: the store answers, and the read models have caught up with its head and are not stopped by an error. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const head = await this.store.headPosition();
        return this.indicator.check('store').up({ head });
      },
      async () => {
        const head = await this.store.headPosition();
        const position = this.projector.position();
        const check = this.indicator.check('projections');
        if (this.projector.failure) return check.down({ position, lag: head - position, stopped: this.projector.failure.message });
        return position >= head ? check.up({ position, lag: 0 }) : check.down({ position, lag: head - position });
      },
    ]);
  }
}
