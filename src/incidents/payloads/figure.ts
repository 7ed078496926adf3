import { IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { IsAtLeastBest, IsAtMostBest } from '../../http/validators';
import { Qualifier } from '../../core/events';

export const QUALIFIERS: Qualifier[] = ['exact', 'approximately', 'at_least', 'more_than', 'up_to'];

/** A number as the source gave it; see EVENTS.md "Figures". */
export class FigureBody {
  @IsInt() @Min(0) best: number;
  @IsOptional() @IsInt() @Min(0) @IsAtMostBest() low?: number;
  @IsOptional() @IsInt() @Min(0) @IsAtLeastBest() high?: number;
  @IsOptional() @IsIn(QUALIFIERS) qualifier?: Qualifier;
  /** The original wording, e.g. "more than 2,000". */
  @IsOptional() @IsString() @MaxLength(500) text?: string;
}
