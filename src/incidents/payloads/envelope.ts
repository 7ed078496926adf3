import { Type } from 'class-transformer';
import {
  IsDefined, IsIn, IsInt, IsNotEmpty, IsNumber, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { EVENT_TYPES, EventType, Precision } from '../../core/events';
import { IsDateOrDateTime, IsDateTimeWithZone } from '../../http/validators';

export class LocationBody {
  @IsString() @IsNotEmpty() @MaxLength(300) name: string;
  @IsOptional() @IsNumber() @Min(-90) @Max(90) lat?: number;
  @IsOptional() @IsNumber() @Min(-180) @Max(180) lon?: number;
  @IsOptional() @IsIn(['exact', 'city', 'region', 'country']) precision?: 'exact' | 'city' | 'region' | 'country';
}

export class SourceRefBody {
  @IsString() @IsNotEmpty() @MaxLength(128) sourceId: string;
  /** The verbatim excerpt that supports the event. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(5000) quote?: string;
  /** Who the source credits: "Interior Ministry", "local media". */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(300) attributedTo?: string;
}

/** One reported development as a client sends it; `data` is checked against the type's payload class. */
export class EventEnvelopeBody {
  @IsOptional() @IsUUID() id?: string;
  @IsIn(EVENT_TYPES as unknown as string[], { message: `type must be one of: ${EVENT_TYPES.join(', ')}` }) type: EventType;
  @IsDateOrDateTime() occurredAt: string;
  @IsOptional() @IsIn(['exact', 'hour', 'day', 'approximate']) occurredPrecision?: Precision;
  @IsOptional() @ValidateNested() @Type(() => LocationBody) location?: LocationBody;
  @IsDefined() @ValidateNested() @Type(() => SourceRefBody) source: SourceRefBody;
  /** When it became public; defaults to the source's publishedAt. */
  @IsOptional() @IsDateTimeWithZone() reportedAt?: string;
  @IsDefined() @IsObject() data: Record<string, unknown>;
}

/** An atomic batch: all stored or none. */
export class EventBatchBody {
  @IsDefined() @ValidateNested({ each: true }) @Type(() => EventEnvelopeBody) events: EventEnvelopeBody[];
  @IsOptional() @IsInt() @Min(-1) expectedRevision?: number;
}

export const MAX_BATCH = 1000;
