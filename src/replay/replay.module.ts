import { Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerConfig, LEDGER_CONFIG } from '../config';
import { EventStore } from '../core/event-store/event-store';
import { CheckpointStore } from '../core/projections/checkpoints';
import { Projector } from '../core/projections/projector';
import { incidentEventOf } from '../incidents/served';
import { readModels } from '../projections';
import { RegisterModule } from '../register/register.module';
import { EVENT_STORE } from '../store/store.module';
import { ReplayController } from './replay.controller';

/**
 * The version of the rules the saved states were folded by: a digest of the read models' own code,
 * so a state folded by older rules is never served (the projector rebuilds it instead).
 */
export function rulesVersion(): string {
  const hash = createHash('sha256');
  for (const dir of [join(__dirname, '..', 'projections'), join(__dirname, '..', 'core', 'projections')]) {
    for (const file of readdirSync(dir).filter((f) => /\.(js|ts)$/.test(f) && !f.includes('.spec.') && !f.endsWith('.d.ts')).sort()) {
      hash.update(file).update(readFileSync(join(dir, file)));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

@Module({
  imports: [RegisterModule],
  controllers: [ReplayController],
  providers: [
    {
      provide: Projector,
      inject: [EVENT_STORE, ConfigService],
      useFactory: (store: EventStore, config: ConfigService) => {
        const { dataDir } = config.getOrThrow<LedgerConfig>(LEDGER_CONFIG);
        return new Projector(store, readModels, new CheckpointStore(join(dataDir, 'projections.db')), incidentEventOf, rulesVersion());
      },
    },
  ],
  exports: [Projector],
})
export class ReplayModule implements OnModuleInit, OnApplicationShutdown {
  constructor(private readonly projector: Projector, @Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onModuleInit(): Promise<void> {
    await this.projector.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.projector.close();
  }
}
