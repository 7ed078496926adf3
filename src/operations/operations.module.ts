import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { DestinationStream, Logger as Pino } from 'pino';
import { logSettings } from './log-settings';
import { AppendObserver } from './append-observer';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { RequestHook } from './request-hook';
import { LOG_DESTINATION, PINO } from './tokens';


/**
 * Operations (API.md "Health and operations"): structured JSON logs through nestjs-pino, one line per
 * request with its id (RequestHook), and the Prometheus metrics (GET /metrics). Global: where appends
 * are decided reports to `AppendObserver`.
 */
@Global()
@Module({})
export class OperationsModule implements OnApplicationShutdown {
  /** `overrides` take precedence over the environment (the same ones AppModule.forRoot is given). */
  static forRoot(overrides: Record<string, string> = {}): DynamicModule {
    return {
      module: OperationsModule,
      imports: [
        // The request's pino-http logger is made by RequestHook, before Express; nestjs-pino binds it
        // (useExisting) so that what Nest's Logger says during a request carries its requestId.
        LoggerModule.forRootAsync({ inject: [PINO], useFactory: (logger: Pino) => ({ pinoHttp: { logger }, useExisting: true }) }),
      ],
      providers: [
        {
          provide: LOG_DESTINATION,
          useFactory: (): DestinationStream | null => {
            const { file } = logSettings({ ...process.env, ...overrides });
            return file === null ? null : pino.destination({ dest: file, sync: true, mkdir: true, append: true });
          },
        },
        {
          provide: PINO,
          inject: [LOG_DESTINATION],
          useFactory: (destination: DestinationStream | null): Pino => {
            const { level } = logSettings({ ...process.env, ...overrides });
            const options: pino.LoggerOptions = {
              level,
              timestamp: pino.stdTimeFunctions.isoTime,
              formatters: { level: (label) => ({ level: label.toUpperCase() }) },
              // Headers are never logged; should anything carry them, the secrets are censored.
              redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'headers.authorization'], censor: '[REDACTED]' },
            };
            return destination === null ? pino(options) : pino(options, destination);
          },
        },
        RequestHook,
        Metrics,
        { provide: AppendObserver, useExisting: Metrics },
      ],
      controllers: [MetricsController],
      exports: [PINO, Metrics, AppendObserver],
    };
  }

  constructor(@Inject(LOG_DESTINATION) private readonly destination: DestinationStream | null) {}

  onApplicationShutdown(): void {
    (this.destination as { end?: () => void } | null)?.end?.();
  }
}
