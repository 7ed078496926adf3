import { Module } from '@nestjs/common';
import { RegisterModule } from '../register/register.module';
import { AuditController, StreamsController } from './audit.controller';
import { Heads, Streams } from './heads';
import { Proofs } from './proofs';

/** The log, verifiable from outside: every stream readable, the chains checked, signed heads and offline proofs (docs/hash-chain.md). */
@Module({
  imports: [RegisterModule],
  providers: [Streams, Heads, Proofs],
  controllers: [StreamsController, AuditController],
  exports: [Proofs, Heads],
})
export class AuditModule {}
