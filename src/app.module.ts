import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { LEDGER_CONFIG, ledgerConfig } from './config';
import { DataSetsModule } from './datasets/datasets.module';
import { ExportsModule } from './exports/exports.module';
import { HealthModule } from './health/health.module';
import { HostileTrafficModule } from './http/hostile-traffic.module';
import { IncidentsModule } from './incidents/incidents.module';
import { LineageModule } from './lineage/lineage.module';
import { LiveModule } from './live/live.module';
import { OperationsModule } from './operations/operations.module';
import { ReplayModule } from './replay/replay.module';
import { SourcesModule } from './sources/sources.module';
import { StoreModule } from './store/store.module';

@Module({})
export class AppModule {
  /** The whole application; `overrides` take precedence over the environment and .env (tests, CLI). */
  static forRoot(overrides: Record<string, string> = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          cache: true,
          load: [() => ({ [LEDGER_CONFIG]: ledgerConfig({ ...process.env, ...overrides }) })],
        }),
        // First: its request hook sees every request before any other middleware.
        OperationsModule.forRoot(overrides),
        StoreModule,
        HostileTrafficModule,
        // The global guard: every route declares the role it requires (API.md "Access").
        AccessModule,
        SourcesModule,
        // Before IncidentsModule: GET /events/live must not be read as GET /events/:eventId.
        LiveModule,
        // Before IncidentsModule too: GET /incidents/:id/events.csv is the export, not another route.
        ExportsModule,
        IncidentsModule,
        ReplayModule,
        LineageModule,
        DataSetsModule,
        HealthModule,
        AuditModule,
      ],
    };
  }
}
