import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ProjectionsModule } from '../projections/projections.module';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule, ProjectionsModule], controllers: [HealthController] })
export class HealthModule {}
