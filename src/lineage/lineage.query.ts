import { IsIn, IsOptional, IsString } from 'class-validator';
import { ClockQuery } from '../replay/clocks';

/** GET …/lineage: the clocks of the projection, the pointer, and whether to add an offline proof. */
export class LineageQuery extends ClockQuery {
  /** An RFC 6901 JSON pointer into the projection's answer, such as /tallies/0/best. */
  @IsString() path!: string;
  /** true: add the raw events, their chain links up to a signed head, and its signature. */
  @IsOptional() @IsIn(['true', 'false']) proof?: 'true' | 'false';
}

/** GET …/changes: two times on one clock. */
export class ChangesQuery {
  /** The earlier time: a date (read in the incident's zone, end of day) or a date-time with zone. */
  @IsString() from!: string;
  @IsString() to!: string;
  /** knownAt (what was known; the default) or asOf (what had happened). */
  @IsOptional() @IsIn(['knownAt', 'asOf']) clock?: 'knownAt' | 'asOf';
}
