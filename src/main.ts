import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { LedgerConfig, ledgerConfig, listenRefusal } from './config';
import { setUpHttp } from './http/http.setup';
import { installShutdown } from './lifecycle/shutdown';
import { logSettings } from './operations/log-settings';

async function bootstrap(): Promise<void> {
  // AppModule.forRoot() reads .env into the environment; the configuration is then checked here, before
  // anything starts, so that a bad API_KEYS, PORT, HOST, LOG_LEVEL or LOG_FILE stops the start with one clear line.
  const module = AppModule.forRoot();
  let config: LedgerConfig;
  try {
    config = ledgerConfig(process.env);
    logSettings(process.env);
    const refusal = listenRefusal(config);
    if (refusal !== null) throw new Error(refusal);
  } catch (error) {
    process.stderr.write(`crisis-ledger: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  // Nest's own messages wait (bufferLogs) for the JSON logger (nestjs-pino, LOG_LEVEL) and go through it.
  const app = await NestFactory.create<NestExpressApplication>(module, { bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  setUpHttp(app);
  installShutdown(app);
  const { port, host, dataDir, apiKeys } = config;
  await app.listen(port, host);
  const logger = new Logger('Ledger');
  logger.log(`Listening on http://${host}:${port} (store: ${dataDir}); OpenAPI at /docs, health at /health and /health/ready, metrics at /metrics`);
  if (apiKeys.length > 0) {
    const count = (role: string) => apiKeys.filter((k) => k.role === role).length;
    logger.log(`Access control on: ${apiKeys.length} API key(s) (${['reporter', 'reader', 'auditor', 'admin'].map((r) => `${count(r)} ${r}`).join(', ')})`);
  } else {
    logger.warn(`NO API_KEYS CONFIGURED: OPEN LOCAL MODE. Every route answers anyone without a key; listening on loopback only (${host})`);
  }
}

void bootstrap();
