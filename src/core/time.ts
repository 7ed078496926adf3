import { DateTime, IANAZone } from 'luxon';

// Dates on the three clocks. Everything is kept as ISO 8601 in UTC with milliseconds,
// so that string order is time order.

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export const isDateOnly = (value: string): boolean => DATE_ONLY.test(value);
export const isDateTimeWithZone = (value: string): boolean => DATE_TIME_WITH_ZONE.test(value) && !Number.isNaN(Date.parse(value));
export const isValidTimeZone = (zone: string): boolean => IANAZone.isValidZone(zone);

/** A date-only value is valid when it names a real calendar day. */
export const isRealDate = (value: string): boolean => isDateOnly(value) && DateTime.fromISO(value, { zone: 'UTC' }).isValid;

export const toUtc = (dateTime: string): string => new Date(dateTime).toISOString();

/** Start of a calendar day in a time zone, in UTC. */
export const startOfDay = (date: string, zone: string): string =>
  DateTime.fromISO(date, { zone }).startOf('day').toUTC().toISO()!;

/** End of a calendar day in a time zone (inclusive, to the millisecond), in UTC. */
export const endOfDay = (date: string, zone: string): string =>
  DateTime.fromISO(date, { zone }).endOf('day').toUTC().toISO()!;

/** A point on a clock as a client may give it: a date (read in `zone`) or a date-time with zone. */
export const instant = (value: string, zone: string, edge: 'start' | 'end'): string =>
  isDateOnly(value) ? (edge === 'start' ? startOfDay(value, zone) : endOfDay(value, zone)) : toUtc(value);

export interface Ordered {
  occurredAt: string;
  reportedAt: string;
  position: number;
}

/** "Latest" order of EVENTS.md: occurredAt, then reportedAt, then position. */
export const byLatest = (a: Ordered, b: Ordered): number =>
  a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1
  : a.reportedAt < b.reportedAt ? -1 : a.reportedAt > b.reportedAt ? 1
  : a.position - b.position;

/** Order between knowledge statements (two corrections, two retractions): reportedAt, then position. */
export const byKnowledge = (a: Omit<Ordered, 'occurredAt'>, b: Omit<Ordered, 'occurredAt'>): number =>
  a.reportedAt < b.reportedAt ? -1 : a.reportedAt > b.reportedAt ? 1 : a.position - b.position;
