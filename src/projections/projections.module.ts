import { Global, Inject, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerConfig, LEDGER_CONFIG } from '../config';
import { EventStore } from '../core/event-store/event-store';
import { ProjectionStore } from '../core/projections/projection-store';
import { Projector } from '../core/projections/projector';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { readModels } from '.';
import { incidentEventOf } from './decoder';

/**
 * The version of the rules the kept facts were folded by: a digest of the read models' own code, so
 * facts kept by older rules are never served (the projector folds the log again instead).
 */
export function rulesVersion(): string {
  const code = (f: string) => /\.(js|ts)$/.test(f) && !f.includes('.spec.') && !f.endsWith('.d.ts');
  const incidents = join(__dirname, '..', 'incidents');
  // The decoder's upcasters and payload classes shape the facts too.
  const sources: Array<[string, (f: string) => boolean]> = [
    [__dirname, code],
    [join(__dirname, '..', 'core', 'projections'), code],
    [incidents, (f) => code(f) && /^(catalogue|stored-event)\./.test(f)],
    [join(incidents, 'payloads'), code],
  ];
  const hash = createHash('sha256');
  for (const [dir, included] of sources) {
    for (const file of readdirSync(dir).filter(included).sort()) hash.update(file).update(readFileSync(join(dir, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Owns the projector: its projection store beside the log, the decoder and the read models. Global: the incident log reads its index of ids. */
@Global()
@Module({
  providers: [
    {
      provide: Projector,
      inject: [EVENT_STORE, ConfigService],
      useFactory: (store: EventStore, config: ConfigService) => {
        const { dataDir } = config.getOrThrow<LedgerConfig>(LEDGER_CONFIG);
        const logger = new Logger('Projector');
        return new Projector(store, readModels, new ProjectionStore(join(dataDir, 'projections.db')), incidentEventOf, rulesVersion(), {
          log: (message) => logger.error(message),
        });
      },
    },
  ],
  exports: [Projector],
})
export class ProjectionsModule implements OnModuleInit, OnApplicationShutdown {
  constructor(private readonly projector: Projector, @Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onModuleInit(): Promise<void> {
    await this.projector.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.projector.close();
  }
}
