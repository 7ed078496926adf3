import { BeforeApplicationShutdown, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LedgerConfig, LEDGER_CONFIG } from '../config';
import { ProjectionsModule } from '../projections/projections.module';
import { RegisterModule } from '../register/register.module';
import { LiveEvents } from './live-events';
import { LIVE_OPTIONS, liveOptions } from './live-options';
import { LiveViews } from './live-views';
import { LiveController } from './live.controller';
import { closeLingering } from './sse-channel';

/** Server-Sent Events: the projections and the log, live, with exact resume. */
@Module({
  imports: [RegisterModule, ProjectionsModule],
  providers: [
    { provide: LIVE_OPTIONS, inject: [ConfigService], useFactory: (config: ConfigService) => liveOptions(config.getOrThrow<LedgerConfig>(LEDGER_CONFIG)) },
    LiveViews,
    LiveEvents,
  ],
  controllers: [LiveController],
  exports: [LiveViews, LiveEvents],
})
export class LiveModule implements BeforeApplicationShutdown {
  constructor(private readonly views: LiveViews, private readonly events: LiveEvents) {}

  /**
   * Before the HTTP server closes: every stream ends with a last message (`event: shutdown`), so none
   * holds the close up. On SIGTERM/SIGINT src/lifecycle/shutdown.ts has already done this, before it
   * waited for the requests in flight; this covers app.close() called any other way (tests, the CLI).
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.views.closeAll();
    this.events.closeAll();
    await closeLingering(1000);
  }
}
