import { FieldError, InvalidInput } from '../core/errors';
import { Filters } from '../core/filters';
import { instant, isDateTimeWithZone, isRealDate } from '../core/time';

export interface ClockQuery {
  asOf?: string;
  knownAt?: string;
  atPosition?: string;
  minPosition?: string;
}

/** The three clocks of a projection query, read in the incident's time zone; plus minPosition. */
export function readClocks(query: ClockQuery, timeZone: string): { filters: Filters; minPosition: number | null } {
  const errors: FieldError[] = [];
  const date = (field: 'asOf' | 'knownAt'): string | null => {
    const value = query[field];
    if (value === undefined || value === '') return null;
    if (isRealDate(value) || isDateTimeWithZone(value)) return instant(value, timeZone, 'end');
    errors.push({ field, message: `${field} must be a date (YYYY-MM-DD, read in ${timeZone}) or a date-time with a zone` });
    return null;
  };
  const position = (field: 'atPosition' | 'minPosition'): number | null => {
    const value = query[field];
    if (value === undefined || value === '') return null;
    if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
    errors.push({ field, message: `${field} must be a log position (a non-negative integer)` });
    return null;
  };
  const filters: Filters = { asOf: date('asOf'), knownAt: date('knownAt'), atPosition: position('atPosition') };
  const minPosition = position('minPosition');
  if (errors.length > 0) throw new InvalidInput(errors);
  return { filters, minPosition };
}
