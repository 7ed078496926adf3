import { Module } from '@nestjs/common';

/** Operations: structured logs, metrics (filled in by issue 11's operations work). */
@Module({})
export class OperationsModule {}
