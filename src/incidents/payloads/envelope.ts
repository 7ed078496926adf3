import { Type } from 'class-transformer';
import {
  IsArray, IsDefined, IsIn, IsNumber, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { EVENT_TYPES, EventType, Precision } from '../../core/events';
import { IsDateOrDateTime, IsDateTimeWithZone, IsSafeInteger, IsNotBlank } from '../../validation/rules';

export class LocationBody {
  @MaxLength(300) @IsNotBlank() @IsString() name: string;
  @IsOptional() @Max(90) @Min(-90) @IsNumber({ allowNaN: false, allowInfinity: false }) lat?: number;
  @IsOptional() @Max(180) @Min(-180) @IsNumber({ allowNaN: false, allowInfinity: false }) lon?: number;
  @IsOptional() @IsIn(['exact', 'city', 'region', 'country']) precision?: 'exact' | 'city' | 'region' | 'country';
}

export class SourceRefBody {
  @MaxLength(128) @IsNotBlank() @IsString() sourceId: string;
  /** The verbatim excerpt that supports the event. */
  @IsOptional() @MaxLength(5000) @IsNotBlank() @IsString() quote?: string;
  /** Who the source credits: "Interior Ministry", "local media". */
  @IsOptional() @MaxLength(300) @IsNotBlank() @IsString() attributedTo?: string;
}

/** One reported development as a client sends it; `data` is checked against the type's payload class. */
export class EventEnvelopeBody {
  @IsOptional() @IsUUID() id?: string;
  @IsIn(EVENT_TYPES as unknown as string[], { message: `type must be one of: ${EVENT_TYPES.join(', ')}` }) type: EventType;
  @IsDateOrDateTime() occurredAt: string;
  @IsOptional() @IsIn(['exact', 'hour', 'day', 'approximate']) occurredPrecision?: Precision;
  @IsOptional() @Type(() => LocationBody) @ValidateNested() @IsObject() location?: LocationBody;
  @Type(() => SourceRefBody) @ValidateNested() @IsObject() @IsDefined() source: SourceRefBody;
  /** When it became public; defaults to the source's publishedAt. */
  @IsOptional() @IsDateTimeWithZone() reportedAt?: string;
  @IsObject() @IsDefined() data: Record<string, unknown>;
}

/** An atomic batch: all stored or none. */
export class EventBatchBody {
  @Type(() => EventEnvelopeBody) @ValidateNested({ each: true }) @IsArray() @IsDefined() events: EventEnvelopeBody[];
  @IsOptional() @Min(-1) @IsSafeInteger() expectedRevision?: number;
}

export const MAX_BATCH = 1000;
