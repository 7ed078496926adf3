import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ReplayModule } from '../replay/replay.module';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule, ReplayModule], controllers: [HealthController] })
export class HealthModule {}
