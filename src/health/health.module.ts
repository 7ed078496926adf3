import { Logger, LoggerService, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ProjectionsModule } from '../projections/projections.module';
import { HealthController } from './health.controller';

/** Terminus's own message for a failed check: a warning on one line (not ready is expected, not an error). */
class NotReadyLogger implements LoggerService {
  private readonly logger = new Logger('Health');
  log(message: unknown): void {
    this.logger.log(String(message));
  }
  warn(message: unknown): void {
    this.logger.warn(String(message));
  }
  error(message: unknown): void {
    this.logger.warn(String(message).replace(/\s*\n\s*/g, ' '));
  }
}

@Module({ imports: [TerminusModule.forRoot({ errorLogStyle: 'json', logger: NotReadyLogger }), ProjectionsModule], controllers: [HealthController] })
export class HealthModule {}
