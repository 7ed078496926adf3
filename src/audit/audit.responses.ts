import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

/** GET /streams/:stream/events: checked as strings here, read as numbers by the controller. */
export class StreamEventsQuery {
  /** A revision: the events after it (default -1, from the first). */
  @IsOptional() @IsString() after?: string;
  /** 1 to 1000, default 100. */
  @IsOptional() @IsString() limit?: string;
}

/** An event exactly as stored (never upcast), with its hash and log position: drop those two and its RFC 8785 form hashes to `hash`. */
export class StreamEventBody {
  @ApiProperty() id: string;
  @ApiProperty() type: string;
  @ApiProperty({ type: 'integer' }) revision: number;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: "The previous event's hash in the stream; 64 zeros for the first" }) prevHash: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) hash: string;
  @ApiProperty({ type: 'integer' }) position: number;
}

export class StreamPageBody {
  @ApiProperty({ type: () => [StreamEventBody], description: 'The stored events as they were hashed, plus hash and position; every other field is the event\'s own' }) events: StreamEventBody[];
  @ApiProperty({ type: 'integer', nullable: true, description: 'The revision to pass as after for the next page; null on the last' }) next: number | null;
}

export class BreakBody {
  @ApiProperty({ type: 'string', nullable: true, description: 'null only when the stored event cannot be read at all' }) stream: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) revision: number | null;
  @ApiProperty({ type: 'integer' }) position: number;
  @ApiProperty({ description: 'What does not hold, in words' }) reason: string;
}

export class VerifyBody {
  @ApiProperty() ok: boolean;
  @ApiProperty({ type: 'integer', description: 'Events checked' }) checked: number;
  @ApiProperty({ type: () => [BreakBody], description: 'The first 1,000 breaks, in log order' }) broken: BreakBody[];
}

export class HeadBody {
  @ApiProperty() stream: string;
  @ApiProperty({ type: 'integer' }) revision: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) hash: string;
}

export class SignedHeadsBody {
  @ApiProperty({ type: () => [HeadBody], description: 'Each stream that has events: sources, incidents, then incident-<id> by id' }) streams: HeadBody[];
  @ApiProperty({ type: 'integer', description: 'The log position the heads are at' }) position: number;
  @ApiProperty({ format: 'date-time' }) signedAt: string;
  @ApiProperty({ description: 'Ed25519, base64, over the RFC 8785 canonical JSON (UTF-8) of this object without signature' }) signature: string;
}

export class KeyBody {
  @ApiProperty({ enum: ['Ed25519'] }) algorithm: 'Ed25519';
  @ApiProperty({ description: 'SPKI PEM', example: '-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n' }) publicKey: string;
}
