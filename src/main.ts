import 'reflect-metadata';
import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { LedgerConfig, ledgerConfig, listenRefusal } from './config';
import { setUpHttp } from './http/http.setup';
import { installShutdown } from './lifecycle/shutdown';

async function bootstrap(): Promise<void> {
  // AppModule.forRoot() reads .env into the environment; the configuration is then checked here, before
  // anything starts, so that a bad API_KEYS, PORT or HOST stops the start with one clear line.
  const module = AppModule.forRoot();
  let config: LedgerConfig;
  try {
    config = ledgerConfig(process.env);
    const refusal = listenRefusal(config);
    if (refusal !== null) throw new Error(refusal);
  } catch (error) {
    process.stderr.write(`crisis-ledger: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const app = await NestFactory.create<NestExpressApplication>(module, { logger: logLevels(process.env.LOG_LEVEL) });
  setUpHttp(app);
  installShutdown(app);
  const { port, host, dataDir, apiKeys, logLevel } = config;
  app.useLogger(logLevels(logLevel));
  await app.listen(port, host);
  const logger = new Logger('Ledger');
  logger.log(`Listening on http://${host}:${port} (store: ${dataDir}); OpenAPI at /docs`);
  if (apiKeys.length > 0) {
    const count = (role: string) => apiKeys.filter((k) => k.role === role).length;
    logger.log(`Access control on: ${apiKeys.length} API key(s) (${['reporter', 'reader', 'auditor', 'admin'].map((r) => `${count(r)} ${r}`).join(', ')})`);
  } else {
    logger.warn(`NO API_KEYS CONFIGURED: OPEN LOCAL MODE. Every route answers anyone without a key; listening on loopback only (${host})`);
  }
}

/** LOG_LEVEL as Nest's logger levels: error, warn, info (the default), debug or verbose. */
function logLevels(level = 'info'): LogLevel[] {
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const upTo = { fatal: 0, error: 1, warn: 2, info: 3, log: 3, debug: 4, verbose: 5 }[level.toLowerCase()] ?? 3;
  return order.slice(0, upTo + 1);
}

void bootstrap();
