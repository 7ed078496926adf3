import { byLatest, endOfDay, instant, isDateTimeWithZone, isRealDate, startOfDay } from './time';

describe('clocks', () => {
  it('reads a date in the incident time zone: start of day for occurredAt, end of day (inclusive) for asOf and knownAt', () => {
    expect(startOfDay('2022-01-06', 'Asia/Almaty')).toBe('2022-01-05T18:00:00.000Z');
    expect(endOfDay('2022-01-06', 'Asia/Almaty')).toBe('2022-01-06T17:59:59.999Z');
    expect(instant('2022-01-06', 'UTC', 'end')).toBe('2022-01-06T23:59:59.999Z');
    expect(instant('2022-01-06T09:00:00+06:00', 'UTC', 'end')).toBe('2022-01-06T03:00:00.000Z');
  });

  it('accepts only real dates and date-times that carry a zone', () => {
    expect(isRealDate('2022-02-29')).toBe(false);
    expect(isRealDate('2024-02-29')).toBe(true);
    expect(isDateTimeWithZone('2022-01-06T10:00:00')).toBe(false);
    expect(isDateTimeWithZone('2022-01-06T10:00:00.123Z')).toBe(true);
    expect(isDateTimeWithZone('2022-01-06T10:00+0600')).toBe(true);
    expect(isDateTimeWithZone('2022-01-06T25:00:00Z')).toBe(false);
  });

  it('orders by occurredAt, then reportedAt, then position', () => {
    const a = { occurredAt: '2022-01-06T00:00:00.000Z', reportedAt: '2022-01-07T00:00:00.000Z', position: 9 };
    expect(byLatest(a, { ...a, occurredAt: '2022-01-05T00:00:00.000Z', position: 1 })).toBeGreaterThan(0);
    expect(byLatest(a, { ...a, reportedAt: '2022-01-08T00:00:00.000Z', position: 1 })).toBeLessThan(0);
    expect(byLatest(a, { ...a, position: 10 })).toBeLessThan(0);
  });
});
