import { Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { Measure } from '../../core/events';
import { FigureBody } from './figure';

// Payloads of the events about the unrest itself and the state's answer to it.

const TEXT = 2000;
export const MEASURES: Measure[] = [
  'state_of_emergency', 'curfew', 'internet_shutdown', 'market_suspension', 'flight_suspension', 'price_control', 'other',
];

export class ProtestReported {
  @MaxLength(TEXT) @IsNotEmpty() @IsString() description: string;
  @IsOptional() @MaxLength(TEXT) @IsString() cause?: string;
  @IsOptional() @Type(() => FigureBody) @ValidateNested() @IsObject() participants?: FigureBody;
}

export class MeasureImposed {
  @IsIn(MEASURES) measure: Measure;
  @IsOptional() @MaxLength(200) @IsNotEmpty() @IsString() scope?: string;
  /** Required for the measure `other`: it says what the measure is. */
  @ValidateIf((o) => o.measure === 'other' || o.description !== undefined)
  @MaxLength(TEXT) @IsString() @IsNotEmpty({ message: 'description must say what the measure is (required for the measure "other")' })
  description?: string;
}

export class MeasureLifted {
  @IsIn(MEASURES) measure: Measure;
  @IsOptional() @MaxLength(200) @IsNotEmpty() @IsString() scope?: string;
}

export class GovernmentChanged {
  @IsIn(['resigned', 'dismissed', 'appointed']) change: 'resigned' | 'dismissed' | 'appointed';
  @MaxLength(200) @IsNotEmpty() @IsString() body: string;
  @IsOptional() @MaxLength(TEXT) @IsString() description?: string;
}

export class OfficialStatusChanged {
  @MaxLength(200) @IsNotEmpty() @IsString() person: string;
  @IsOptional() @MaxLength(200) @IsString() role?: string;
  @IsIn(['removed', 'appointed', 'detained', 'released', 'resigned'])
  change: 'removed' | 'appointed' | 'detained' | 'released' | 'resigned';
  @IsOptional() @MaxLength(TEXT) @IsString() charge?: string;
}

export class FacilityControlChanged {
  @MaxLength(200) @IsNotEmpty() @IsString() facility: string;
  @MaxLength(200) @IsNotEmpty() @IsString() controlledBy: string;
  @IsOptional() @MaxLength(200) @IsString() previousController?: string;
}

export class StatementMade {
  @MaxLength(200) @IsNotEmpty() @IsString() speaker: string;
  @MaxLength(TEXT) @IsNotEmpty() @IsString() summary: string;
}
