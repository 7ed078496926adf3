import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { FigureBody } from './figure';

// Payloads of foreign assistance: the request, the authorization, troops in and out.

const NAME = 200;
const EITHER = { message: 'contributor or force must be given' };

export class AssistanceRequested {
  @IsString() @IsNotEmpty() @MaxLength(NAME) requestedBy: string;
  @IsString() @IsNotEmpty() @MaxLength(NAME) requestedFrom: string;
  @IsOptional() @IsString() @MaxLength(2000) purpose?: string;
}

export class DeploymentAuthorized {
  @IsString() @IsNotEmpty() @MaxLength(NAME) authority: string;
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @IsNotEmpty({ each: true }) contributors?: string[];
  @IsOptional() @IsString() @MaxLength(2000) mandate?: string;
}

export class TroopsDeployed {
  @ValidateIf((o) => o.force === undefined) @MaxLength(NAME) @IsString() @IsNotEmpty(EITHER) contributor?: string;
  @ValidateIf((o) => o.contributor === undefined) @MaxLength(NAME) @IsString() @IsNotEmpty(EITHER) force?: string;
  @IsOptional() @ValidateNested() @Type(() => FigureBody) strength?: FigureBody;
  @IsIn(['arriving', 'deployed']) status: 'arriving' | 'deployed';
}

export class TroopsWithdrawn {
  @ValidateIf((o) => o.force === undefined) @MaxLength(NAME) @IsString() @IsNotEmpty(EITHER) contributor?: string;
  @ValidateIf((o) => o.contributor === undefined) @MaxLength(NAME) @IsString() @IsNotEmpty(EITHER) force?: string;
  @IsOptional() @ValidateNested() @Type(() => FigureBody) strength?: FigureBody;
  @IsBoolean() completed: boolean;
}
