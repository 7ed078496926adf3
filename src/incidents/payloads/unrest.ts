import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { IsNotBlank } from '../../validation/rules';
import { Measure } from '../../core/events';
import { FigureBody } from './figure';

// Payloads of the events about the unrest itself and the state's answer to it.

const TEXT = 2000;
export const MEASURES: Measure[] = [
  'state_of_emergency', 'curfew', 'internet_shutdown', 'market_suspension', 'flight_suspension', 'price_control', 'other',
];

export class ProtestReported {
  @MaxLength(TEXT) @IsNotBlank() @IsString() description: string;
  @IsOptional() @MaxLength(TEXT) @IsNotBlank() @IsString() cause?: string;
  @IsOptional() @Type(() => FigureBody) @ValidateNested() @IsObject() participants?: FigureBody;
}

export class MeasureImposed {
  @IsIn(MEASURES) measure: Measure;
  @IsOptional() @MaxLength(200) @IsNotBlank() @IsString() scope?: string;
  /** Required for the measure `other`: it says what the measure is. */
  @ValidateIf((o) => o.measure === 'other' || o.description !== undefined)
  @MaxLength(TEXT) @IsString() @IsNotBlank({ message: 'description must say what the measure is (required for the measure "other")' })
  description?: string;
}

export class MeasureLifted {
  @IsIn(MEASURES) measure: Measure;
  @IsOptional() @MaxLength(200) @IsNotBlank() @IsString() scope?: string;
}

export class GovernmentChanged {
  @IsIn(['resigned', 'dismissed', 'appointed']) change: 'resigned' | 'dismissed' | 'appointed';
  @MaxLength(200) @IsNotBlank() @IsString() body: string;
  @IsOptional() @MaxLength(TEXT) @IsNotBlank() @IsString() description?: string;
}

export class OfficialStatusChanged {
  @MaxLength(200) @IsNotBlank() @IsString() person: string;
  @IsOptional() @MaxLength(200) @IsNotBlank() @IsString() role?: string;
  @IsIn(['removed', 'appointed', 'detained', 'released', 'resigned'])
  change: 'removed' | 'appointed' | 'detained' | 'released' | 'resigned';
  @IsOptional() @MaxLength(TEXT) @IsNotBlank() @IsString() charge?: string;
}

export class FacilityControlChanged {
  @MaxLength(200) @IsNotBlank() @IsString() facility: string;
  @MaxLength(200) @IsNotBlank() @IsString() controlledBy: string;
  @IsOptional() @MaxLength(200) @IsNotBlank() @IsString() previousController?: string;
}

export class StatementMade {
  @MaxLength(200) @IsNotBlank() @IsString() speaker: string;
  @MaxLength(TEXT) @IsNotBlank() @IsString() summary: string;
}
