import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { LedgerConfig, LEDGER_CONFIG } from './config';
import { setUpHttp } from './http/http.setup';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot());
  setUpHttp(app);
  const { port, host, dataDir, apiKeys } = app.get(ConfigService).getOrThrow<LedgerConfig>(LEDGER_CONFIG);
  await app.listen(port, host);
  const logger = new Logger('Ledger');
  logger.log(`Listening on http://${host}:${port} (store: ${dataDir}); OpenAPI at /docs`);
  if (apiKeys.length === 0) logger.warn('NO API KEYS CONFIGURED: open local mode, listening on loopback only');
}

void bootstrap();
