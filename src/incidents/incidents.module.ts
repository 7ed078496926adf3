import { Module } from '@nestjs/common';
import { RegisterModule } from '../register/register.module';
import { IncidentLog } from './incident-log';
import { IncidentsController } from './incidents.controller';

@Module({ imports: [RegisterModule], controllers: [IncidentsController], providers: [IncidentLog], exports: [IncidentLog] })
export class IncidentsModule {}
