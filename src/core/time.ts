import { DateTime, IANAZone } from 'luxon';

// Dates on the three clocks. Everything is kept as ISO 8601 in UTC with milliseconds,
// so that string order is time order.

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):?(\d{2}))$/i;

/** The instants a stored value may take: years 0001 to 9999 in UTC, so that string order is time order. */
export const EARLIEST = '0001-01-01T00:00:00.000Z';
export const LATEST = '9999-12-31T23:59:59.999Z';
const EARLIEST_MS = Date.parse(EARLIEST);
const LATEST_MS = Date.parse(LATEST);

const daysIn = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

const isCalendarDay = (year: number, month: number, day: number): boolean =>
  year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);

/** Milliseconds since the epoch of a date-time with zone whose every field exists (no 30 February, no hour 24); else null. */
function epochOf(value: string): number | null {
  const m = DATE_TIME_WITH_ZONE.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const [offsetHours, offsetMinutes] = [Number(m[9] ?? 0), Number(m[10] ?? 0)];
  if (!isCalendarDay(year, month, day) || hour > 23 || minute > 59 || second > 59 || offsetHours > 18 || offsetMinutes > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // not Date.UTC: it reads years 0-99 as 1900-1999
  date.setUTCHours(hour, minute, second, Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)));
  const offset = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const epoch = date.getTime() - offset;
  return epoch >= EARLIEST_MS && epoch <= LATEST_MS ? epoch : null;
}

export const isDateOnly = (value: string): boolean => DATE_ONLY.test(value);
/** A date-time with its zone that names a real instant between years 0001 and 9999 (UTC). */
export const isDateTimeWithZone = (value: string): boolean => epochOf(value) !== null;
export const isValidTimeZone = (zone: string): boolean => IANAZone.isValidZone(zone);
/** The one spelling of a zone ("utc" is UTC), so that two registrations of the same zone are the same body. */
export const canonicalZone = (zone: string): string => new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;

/** A date-only value is valid when it names a real calendar day of years 0001 to 9999. */
export const isRealDate = (value: string): boolean => {
  const m = DATE_ONLY.exec(value);
  return m !== null && isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]));
};

/** Whether an ISO instant in UTC lies within years 0001 to 9999 (a day read in a far zone may not). */
export const isStorable = (iso: string): boolean => /^\d{4}-/.test(iso) && iso >= EARLIEST && iso <= LATEST;

export const toUtc = (dateTime: string): string => {
  const epoch = epochOf(dateTime);
  if (epoch === null) throw new RangeError(`Not a date-time with zone: ${dateTime}`);
  return new Date(epoch).toISOString();
};

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

/** A query bound read in a far zone may leave years 0001-9999; it is then before or after every stored instant. */
export const clamped = (iso: string): string => (isStorable(iso) ? iso : iso.startsWith('-') || iso.startsWith('0000') ? EARLIEST : LATEST);
