import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventStore } from '../core/event-store/event-store';
import { openEventStore } from './open-event-store';
import { LedgerConfig, LEDGER_CONFIG } from '../config';

import { EVENT_STORE } from '../core/event-store/event-store.token';

@Global()
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [ConfigService],
      useFactory: (config: ConfigService): EventStore => {
        const { dataDir, kurrentdbUrl } = config.getOrThrow<LedgerConfig>(LEDGER_CONFIG);
        return openEventStore({ dataDir, kurrentdbUrl });
      },
    },
  ],
  exports: [EVENT_STORE],
})
export class StoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
