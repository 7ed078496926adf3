import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsNotBlank } from '../../validation/rules';
import { FigureBody } from './figure';

export const CATEGORIES = ['killed', 'injured', 'arrested'] as const;
export const GROUPS = ['security_forces', 'protesters', 'civilians', 'unspecified'] as const;

export class CasualtiesReported {
  @IsIn(CATEGORIES) category: (typeof CATEGORIES)[number];
  @IsIn(GROUPS) group: (typeof GROUPS)[number];
  @Type(() => FigureBody) @ValidateNested() @IsObject() @IsDefined() figure: FigureBody;
  @IsOptional() @MaxLength(200) @IsNotBlank() @IsString() scope?: string;
}
