import { Module } from '@nestjs/common';
import { ProjectionsModule } from '../projections/projections.module';
import { RegisterModule } from '../register/register.module';
import { ExportsController } from './exports.controller';

/** The events of an incident as CSV and GeoJSON, on the projections' clocks. */
@Module({ imports: [RegisterModule, ProjectionsModule], controllers: [ExportsController] })
export class ExportsModule {}
