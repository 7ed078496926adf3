import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { LedgerConfig, LEDGER_CONFIG } from '../config';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { ApiKeys, StreamTokens } from './keys';

@Module({
  controllers: [AuthController],
  providers: [
    { provide: ApiKeys, inject: [ConfigService], useFactory: (config: ConfigService) => new ApiKeys(config.getOrThrow<LedgerConfig>(LEDGER_CONFIG).apiKeys) },
    {
      provide: StreamTokens,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => new StreamTokens(config.getOrThrow<LedgerConfig>(LEDGER_CONFIG).streamTokenSeconds * 1000),
    },
    // Global: every route of every module goes through it, and one that declares no role is refused.
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
})
export class AccessModule {}
