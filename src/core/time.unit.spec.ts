import { byLatest, endOfDay, instant, isDateTimeWithZone, isRealDate, isStorable, startOfDay, toUtc } from './time';

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

  it('refuses date-times that do not exist instead of rolling them forward, and years outside 0001-9999', () => {
    for (const bad of [
      '2022-02-30T10:00:00Z', '2022-02-29T10:00:00Z', '2022-04-31T00:00:00Z', '2022-13-01T00:00:00Z', '2022-00-10T00:00:00Z',
      '2022-01-01T24:00:00Z', '2022-01-01T23:60:00Z', '2022-01-01T23:59:60Z', '2022-01-01T10:00:00+25:00', '2022-01-01T10:00:00+05:60',
      '0000-06-01T00:00:00Z', '10000-01-01T00:00:00Z', '+010000-01-01T00:00:00Z', '0001-01-01T00:30:00+01:00', '9999-12-31T23:30:00-01:00',
    ]) expect([bad, isDateTimeWithZone(bad)]).toEqual([bad, false]);
    for (const bad of ['2022-02-30', '0000-01-01', '2021-02-29', '2022-1-01', '10000-01-01']) expect([bad, isRealDate(bad)]).toEqual([bad, false]);
    expect(isDateTimeWithZone('2024-02-29T23:59:59.999999999+14:00')).toBe(true);
    expect(isDateTimeWithZone('0001-01-01T00:00:00Z')).toBe(true);
    expect(isDateTimeWithZone('9999-12-31T23:59:59.999Z')).toBe(true);
    expect(isRealDate('0001-01-01')).toBe(true);
  });

  it('converts to UTC itself, to the millisecond, years 0001-0099 included', () => {
    expect(toUtc('0050-03-01T06:00:00+06:00')).toBe('0050-03-01T00:00:00.000Z');
    expect(toUtc('2022-01-06T10:00+0600')).toBe('2022-01-06T04:00:00.000Z');
    expect(toUtc('2022-01-06T10:00:00.1239-01:30')).toBe('2022-01-06T11:30:00.123Z');
    expect(isStorable(startOfDay('0001-01-01', 'Asia/Almaty'))).toBe(false);
    expect(isStorable(startOfDay('0001-01-01', 'UTC'))).toBe(true);
  });

  it('orders by occurredAt, then reportedAt, then position', () => {
    const a = { occurredAt: '2022-01-06T00:00:00.000Z', reportedAt: '2022-01-07T00:00:00.000Z', position: 9 };
    expect(byLatest(a, { ...a, occurredAt: '2022-01-05T00:00:00.000Z', position: 1 })).toBeGreaterThan(0);
    expect(byLatest(a, { ...a, reportedAt: '2022-01-08T00:00:00.000Z', position: 1 })).toBeLessThan(0);
    expect(byLatest(a, { ...a, position: 10 })).toBeLessThan(0);
  });
});
