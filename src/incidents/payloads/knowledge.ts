import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, IsUUID, MaxLength, ValidateIf, ValidateNested, IsDefined } from 'class-validator';
import { IsNotBlank } from '../../validation/rules';
import { FigureBody } from './figure';

// Statements about what is known: they target an earlier event of the same incident.

export class ClaimRetracted {
  @IsUUID() eventId: string;
  @IsOptional() @MaxLength(2000) @IsNotBlank() @IsString() reason?: string;
}

export class ClaimCorrected {
  @IsUUID() eventId: string;
  @ValidateIf((o) => o.data === undefined)
  @IsDefined({ message: 'figure or data must be given' })
  @ValidateNested() @IsObject() @Type(() => FigureBody)
  figure?: FigureBody;
  @IsOptional() @IsObject() data?: Record<string, unknown>;
}
