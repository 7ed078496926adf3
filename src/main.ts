import 'reflect-metadata';
import { Logger, LogLevel } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { LedgerConfig, LEDGER_CONFIG } from './config';
import { setUpHttp } from './http/http.setup';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(), { logger: logLevels(process.env.LOG_LEVEL) });
  setUpHttp(app);
  const { port, host, dataDir, apiKeys, logLevel } = app.get(ConfigService).getOrThrow<LedgerConfig>(LEDGER_CONFIG);
  app.useLogger(logLevels(logLevel));
  await app.listen(port, host);
  const logger = new Logger('Ledger');
  logger.log(`Listening on http://${host}:${port} (store: ${dataDir}); OpenAPI at /docs`);
  const loopback = host === '127.0.0.1' || host === '::1' || host === 'localhost';
  if (apiKeys.length > 0) logger.warn('API_KEYS are read but NOT ENFORCED yet (access control is not built): every route is open');
  else logger.warn('NO API KEYS CONFIGURED: open local mode');
  if (!loopback) logger.warn(`OPEN SERVER ON THE NETWORK: HOST=${host} with no access control; anyone who can reach it can write`);
  else logger.warn(`Listening on loopback only (${host})`);
}

/** LOG_LEVEL as Nest's logger levels: error, warn, info (the default), debug or verbose. */
function logLevels(level = 'info'): LogLevel[] {
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const upTo = { fatal: 0, error: 1, warn: 2, info: 3, log: 3, debug: 4, verbose: 5 }[level.toLowerCase()] ?? 3;
  return order.slice(0, upTo + 1);
}

void bootstrap();
