import { Module } from '@nestjs/common';
import { ProjectionsModule } from '../projections/projections.module';
import { RegisterModule } from '../register/register.module';
import { ReplayController } from './replay.controller';

/** Serves the projections on the three clocks. */
@Module({ imports: [RegisterModule, ProjectionsModule], controllers: [ReplayController] })
export class ReplayModule {}
