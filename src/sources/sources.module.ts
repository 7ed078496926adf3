import { Module } from '@nestjs/common';
import { RegisterModule } from '../register/register.module';
import { SourcesController } from './sources.controller';

@Module({ imports: [RegisterModule], controllers: [SourcesController] })
export class SourcesModule {}
