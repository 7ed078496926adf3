import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Response } from 'express';
import { EventStore } from '../core/event-store/event-store';
import { Answers, ETAG_HEADER, NotModified } from '../http/api-responses';
import { errorBody } from '../http/error-body.filter';
import { Projector } from '../core/projections/projector';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { Role } from '../access/role.decorator';

/** How long the store has to answer its head position before it counts as unreachable. */
export const STORE_ANSWER_MS = 2_000;
/** How long the projections may take to reach the head they are compared with: a lag this brief is caught up. */
export const CATCH_UP_MS = 1_000;

const indicators = { type: 'object' as const, additionalProperties: { type: 'object' as const, properties: { status: { type: 'string' as const } } } };

/** Terminus's answer when every check is up. (When one is not, the answer is the 503 error body.) */
export class HealthBody {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status: string;
  @ApiPropertyOptional({ ...indicators, nullable: true, description: 'The checks that are up' }) info?: object | null;
  @ApiPropertyOptional({ ...indicators, nullable: true, description: 'The checks that are down' }) error?: object | null;
  @ApiProperty({ ...indicators, description: 'Every check' }) details: object;
}

/** `promise`, or an error once `ms` have passed without an answer. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

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
  live(@Res({ passthrough: true }) res: Response) {
    return this.answer(res, []);
  }

  /** Readiness: the store answers in time, and the read models have caught up with its head and are not stopped by an error. */
  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthBody, headers: ETAG_HEADER(), description: 'The store answers and the projections have caught up with its head' })
  @NotModified()
  @Answers(400, [503, 'The store does not answer, or the projections lag behind its head, or shutting down'], 500)
  ready(@Res({ passthrough: true }) res: Response) {
    const head = within(STORE_ANSWER_MS, this.store.headPosition());
    head.catch(() => undefined); // read by both checks; an unanswered one is reported by them
    return this.answer(res, [
      async () => {
        const check = this.indicator.check('store');
        try {
          return check.up({ head: await head });
        } catch (error) {
          return check.down({ reachable: false, message: reason(error) });
        }
      },
      async () => this.projections(head),
    ]);
  }

  /** Caught up: the projector's checkpoint reaches the store's head (within CATCH_UP_MS), and no fold error stopped it. */
  private async projections(headAnswer: Promise<number>): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('projections');
    let head: number;
    try {
      head = await headAnswer;
    } catch (error) {
      return check.down({ position: this.projector.position(), message: `the store's head is unknown: ${reason(error)}` });
    }
    if (!this.projector.failure && this.projector.position() < head) await this.projector.waitFor(head, CATCH_UP_MS).catch(() => undefined);
    const position = this.projector.position();
    const lag = Math.max(0, head - position);
    if (this.projector.failure) return check.down({ position, head, lag, stopped: this.projector.failure.message });
    return lag === 0 ? check.up({ position, head, lag }) : check.down({ position, head, lag });
  }

  /**
   * Terminus's answer, or, when a check is down (or the server is stopping), a 503 with API.md's error
   * body: an expected answer, logged as a warning on the request's line, not as an error with a stack.
   */
  private async answer(res: Response, checks: Parameters<HealthCheckService['check']>[0]): Promise<unknown> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503);
      return errorBody(error);
    }
  }
}
