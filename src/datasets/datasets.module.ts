import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module';
import { RegisterModule } from '../register/register.module';
import { Importer } from './importer';

@Module({ imports: [IncidentsModule, RegisterModule], providers: [Importer], exports: [Importer] })
export class DataSetsModule {}
