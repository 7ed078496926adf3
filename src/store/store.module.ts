import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { join } from 'node:path';
import { EventStore } from '../core/event-store/event-store';
import { SqliteEventStore } from '../core/event-store/sqlite-event-store';
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
        if (kurrentdbUrl) {
          throw new Error('KURRENTDB_URL is set, but the KurrentDB adapter is not part of this build yet; unset it to run on the embedded store');
        }
        return new SqliteEventStore(join(dataDir, 'events.db'));
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
