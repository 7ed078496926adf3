import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ProjectionsModule } from '../projections/projections.module';
import { RegisterModule } from '../register/register.module';
import { ReplayModule } from '../replay/replay.module';
import { Lineage } from './lineage';
import { LineageController } from './lineage.controller';

/** Lineage of every value of every projection, and what changed between two times. */
@Module({ imports: [RegisterModule, ProjectionsModule, ReplayModule, AuditModule], providers: [Lineage], controllers: [LineageController] })
export class LineageModule {}
