import { IsIn, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { IsAtLeastBest, IsAtMostBest, IsSafeInteger, IsNotBlank } from '../../validation/rules';
import { Qualifier } from '../../core/events';

export const QUALIFIERS: Qualifier[] = ['exact', 'approximately', 'at_least', 'more_than', 'up_to'];

/** A number as the source gave it; see EVENTS.md "Figures". */
export class FigureBody {
  @Min(0) @IsSafeInteger() best: number;
  @IsOptional() @IsAtMostBest() @Min(0) @IsSafeInteger() low?: number;
  @IsOptional() @IsAtLeastBest() @Min(0) @IsSafeInteger() high?: number;
  @IsOptional() @IsIn(QUALIFIERS) qualifier?: Qualifier;
  /** The original wording, e.g. "more than 2,000". */
  @IsOptional() @MaxLength(500) @IsNotBlank() @IsString() text?: string;
}
