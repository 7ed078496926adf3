import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { IsNotBlank } from '../../validation/rules';
import { FigureBody } from './figure';

// Payloads of foreign assistance: the request, the authorization, troops in and out.

const NAME = 200;
const EITHER = { message: 'contributor or force must be given' };

export class AssistanceRequested {
  @MaxLength(NAME) @IsNotBlank() @IsString() requestedBy: string;
  @MaxLength(NAME) @IsNotBlank() @IsString() requestedFrom: string;
  @IsOptional() @MaxLength(2000) @IsNotBlank() @IsString() purpose?: string;
}

export class DeploymentAuthorized {
  @MaxLength(NAME) @IsNotBlank() @IsString() authority: string;
  @IsOptional() @IsNotBlank({ each: true }) @IsString({ each: true }) @ArrayMaxSize(100) @IsArray() contributors?: string[];
  @IsOptional() @MaxLength(2000) @IsNotBlank() @IsString() mandate?: string;
}

export class TroopsDeployed {
  @ValidateIf((o) => o.force === undefined) @MaxLength(NAME) @IsString() @IsNotBlank(EITHER) contributor?: string;
  @ValidateIf((o) => o.contributor === undefined) @MaxLength(NAME) @IsString() @IsNotBlank(EITHER) force?: string;
  @IsOptional() @Type(() => FigureBody) @ValidateNested() @IsObject() strength?: FigureBody;
  @IsIn(['arriving', 'deployed']) status: 'arriving' | 'deployed';
}

export class TroopsWithdrawn {
  @ValidateIf((o) => o.force === undefined) @MaxLength(NAME) @IsString() @IsNotBlank(EITHER) contributor?: string;
  @ValidateIf((o) => o.contributor === undefined) @MaxLength(NAME) @IsString() @IsNotBlank(EITHER) force?: string;
  @IsOptional() @Type(() => FigureBody) @ValidateNested() @IsObject() strength?: FigureBody;
  @IsBoolean() completed: boolean;
}
