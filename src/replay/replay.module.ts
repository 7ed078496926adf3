import { Module } from '@nestjs/common';
import { ProjectionsModule } from '../projections/projections.module';
import { RegisterModule } from '../register/register.module';
import { ProjectionReader } from './projection-reader';
import { ReplayController } from './replay.controller';

/** Serves the projections on the three clocks. */
@Module({ imports: [RegisterModule, ProjectionsModule], providers: [ProjectionReader], controllers: [ReplayController], exports: [ProjectionReader] })
export class ReplayModule {}
