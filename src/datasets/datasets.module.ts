import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module';
import { Importer } from './importer';

@Module({ imports: [IncidentsModule], providers: [Importer], exports: [Importer] })
export class DataSetsModule {}
