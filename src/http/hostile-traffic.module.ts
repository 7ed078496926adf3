import { Module } from '@nestjs/common';

/** Defences against hostile traffic: rate limits and the like (filled in by issue 11's hostile-traffic work). */
@Module({})
export class HostileTrafficModule {}
