import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EventStore } from '../core/event-store/event-store';
import { Answers, ETAG_HEADER, NotModified } from '../http/api-responses';
import { Projector } from '../core/projections/projector';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { Role } from '../access/role.decorator';

const indicators = { type: 'object' as const, additionalProperties: { type: 'object' as const, properties: { status: { type: 'string' as const } } } };

/** Terminus's answer when every check is up. (When one is not, the answer is the 503 error body.) */
export class HealthBody {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status: string;
  @ApiPropertyOptional({ ...indicators, nullable: true, description: 'The checks that are up' }) info?: object | null;
  @ApiPropertyOptional({ ...indicators, nullable: true, description: 'The checks that are down' }) error?: object | null;
  @ApiProperty({ ...indicators, description: 'Every check' }) details: object;
}

@ApiTags('health')
// Open to everyone, keys or not: the liveness and readiness probes carry no key.
@Role('public')
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
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthBody, headers: ETAG_HEADER(), description: 'The process answers' })
  @NotModified()
  @Answers(400, [503, 'Shutting down'], 500)
  live() {
    return this.health.check([]);
  }

  /** Readiness: the store answers, and the read models have caught up with its head and are not stopped by an error. */
  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthBody, headers: ETAG_HEADER(), description: 'The store answers and the projections have caught up with its head' })
  @NotModified()
  @Answers(400, [503, 'The store does not answer, or the projections lag behind its head, or shutting down'], 500)
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
