import { ExecutionContext, Injectable, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD, APP_INTERCEPTOR, Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, ThrottlerModule, ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import { ApiKeys } from '../access/keys';
import { ROLE_KEY } from '../access/role.decorator';
import { LedgerConfig, LEDGER_CONFIG } from '../config';
import { ClientIdentity } from './client-identity';
import { LIVE_MAX_PER_CLIENT, LiveConnectionsGuard } from './live-connections';
import { NoQueryOnWrites } from './no-query-on-writes';

const traffic = (config: ConfigService) => config.getOrThrow<LedgerConfig>(LEDGER_CONFIG).traffic;

/**
 * The rate limit (RATE_LIMIT_PER_MINUTE): one budget per client (ClientIdentity: the hash of a
 * configured API key, else the IP) across every route, over a minute; past it, 429 with
 * `Retry-After` (seconds) and API.md's error body. The health probes (routes declared `public`) are
 * never counted, and 0 turns the limit off.
 */
@Injectable()
export class KeyThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly identity: ClientIdentity,
    private readonly config: ConfigService,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || traffic(this.config).ratePerMinute === 0) return true;
    return this.reflector.getAllAndOverride<string | undefined>(ROLE_KEY, [context.getHandler(), context.getClass()]) === 'public';
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    return this.identity.of(req as unknown as Request);
  }

  /** One budget per client for the whole API, not one per route. */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }
}

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService): ThrottlerModuleOptions => {
        const perMinute = traffic(config).ratePerMinute;
        return {
          // With the limit off (0) the guard skips every request; the throttler is still declared.
          throttlers: [{ name: 'default', ttl: 60_000, limit: Math.max(perMinute, 1) }],
          errorMessage: (_context, detail) =>
            `Rate limit exceeded: more than ${detail.limit} requests in a minute from this client (its API key, or its IP without one); retry after ${detail.timeToBlockExpire} s`,
        };
      },
    }),
  ],
  providers: [
    { provide: ClientIdentity, inject: [ConfigService], useFactory: (config: ConfigService) => new ClientIdentity(new ApiKeys(config.getOrThrow<LedgerConfig>(LEDGER_CONFIG).apiKeys)) },
    { provide: LIVE_MAX_PER_CLIENT, inject: [ConfigService], useFactory: (config: ConfigService) => traffic(config).liveMaxPerClient },
    { provide: APP_GUARD, useClass: KeyThrottlerGuard },
    LiveConnectionsGuard,
    { provide: APP_GUARD, useExisting: LiveConnectionsGuard },
    // Found by the fuzz: a write ignored any query parameter it was given.
    { provide: APP_INTERCEPTOR, useClass: NoQueryOnWrites },
  ],
  exports: [LiveConnectionsGuard, ClientIdentity],
})
export class HostileTrafficModule {}
