import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { LEDGER_CONFIG, ledgerConfig } from './config';
import { DataSetsModule } from './datasets/datasets.module';
import { HealthModule } from './health/health.module';
import { IncidentsModule } from './incidents/incidents.module';
import { ReplayModule } from './replay/replay.module';
import { SourcesModule } from './sources/sources.module';
import { StoreModule } from './store/store.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, cache: true, load: [() => ({ [LEDGER_CONFIG]: ledgerConfig() })] }),
    StoreModule,
    SourcesModule,
    IncidentsModule,
    ReplayModule,
    DataSetsModule,
    HealthModule,
  ],
})
export class AppModule {}
