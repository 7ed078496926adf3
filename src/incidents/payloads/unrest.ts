import { Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Measure } from '../../core/events';
import { FigureBody } from './figure';

// Payloads of the events about the unrest itself and the state's answer to it.

const TEXT = 2000;
export const MEASURES: Measure[] = [
  'state_of_emergency', 'curfew', 'internet_shutdown', 'market_suspension', 'flight_suspension', 'price_control', 'other',
];

export class ProtestReported {
  @IsString() @IsNotEmpty() @MaxLength(TEXT) description: string;
  @IsOptional() @IsString() @MaxLength(TEXT) cause?: string;
  @IsOptional() @ValidateNested() @Type(() => FigureBody) participants?: FigureBody;
}

export class MeasureImposed {
  @IsIn(MEASURES) measure: Measure;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) scope?: string;
  @IsOptional() @IsString() @MaxLength(TEXT) description?: string;
}

export class MeasureLifted {
  @IsIn(MEASURES) measure: Measure;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) scope?: string;
}

export class GovernmentChanged {
  @IsIn(['resigned', 'dismissed', 'appointed']) change: 'resigned' | 'dismissed' | 'appointed';
  @IsString() @IsNotEmpty() @MaxLength(200) body: string;
  @IsOptional() @IsString() @MaxLength(TEXT) description?: string;
}

export class OfficialStatusChanged {
  @IsString() @IsNotEmpty() @MaxLength(200) person: string;
  @IsOptional() @IsString() @MaxLength(200) role?: string;
  @IsIn(['removed', 'appointed', 'detained', 'released', 'resigned'])
  change: 'removed' | 'appointed' | 'detained' | 'released' | 'resigned';
  @IsOptional() @IsString() @MaxLength(TEXT) charge?: string;
}

export class FacilityControlChanged {
  @IsString() @IsNotEmpty() @MaxLength(200) facility: string;
  @IsString() @IsNotEmpty() @MaxLength(200) controlledBy: string;
  @IsOptional() @IsString() @MaxLength(200) previousController?: string;
}

export class StatementMade {
  @IsString() @IsNotEmpty() @MaxLength(200) speaker: string;
  @IsString() @IsNotEmpty() @MaxLength(TEXT) summary: string;
}
