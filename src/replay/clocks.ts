import { IsOptional, IsString } from 'class-validator';
import { FieldError, InvalidInput } from '../core/errors';
import { Filters } from '../core/filters';
import { parsePosition } from '../core/event-store/position';
import { clamped, instant, isDateTimeWithZone, isRealDate } from '../core/time';

/** The query of every projection: the three clocks and minPosition. Any other parameter is refused. */
export class ClockQuery {
  /** Event time: a date (the end of that day in the incident's zone) or a date-time with zone. */
  @IsOptional() @IsString() asOf?: string;
  /** Knowledge time, read like asOf. */
  @IsOptional() @IsString() knownAt?: string;
  /** A log position: the answer as the log stood then. */
  @IsOptional() @IsString() atPosition?: string;
  /** Wait (up to 5 s) until the read model reflects this position, else 503. */
  @IsOptional() @IsString() minPosition?: string;
}

/** The three clocks of a projection query, read in the incident's time zone; plus minPosition. */
export function readClocks(query: ClockQuery, timeZone: string): { filters: Filters; minPosition: number | null } {
  const errors: FieldError[] = [];
  const date = (field: 'asOf' | 'knownAt'): string | null => {
    const value = query[field];
    if (value === undefined) return null;
    if (isRealDate(value) || isDateTimeWithZone(value)) return clamped(instant(value, timeZone, 'end'));
    errors.push({ field, message: `${field} must be a real date (YYYY-MM-DD, read in ${timeZone}) or date-time with a zone, in years 0001 to 9999` });
    return null;
  };
  const position = (field: 'atPosition' | 'minPosition'): number | null => {
    const value = query[field];
    if (value === undefined) return null;
    const parsed = parsePosition(value);
    if (parsed !== null) return parsed;
    errors.push({ field, message: `${field} must be a log position (a non-negative integer)` });
    return null;
  };
  const filters: Filters = { asOf: date('asOf'), knownAt: date('knownAt'), atPosition: position('atPosition') };
  const minPosition = position('minPosition');
  if (errors.length > 0) throw new InvalidInput(errors);
  return { filters, minPosition };
}
