import { parseIsoTimestamp } from './iso-timestamp';

describe('parseIsoTimestamp', () => {
  it.each([
    ['2026-11-23T08:00:00Z', '2026-11-23T08:00:00.000Z'],
    ['2026-11-23T08:00Z', '2026-11-23T08:00:00.000Z'],
    ['2026-11-23t08:00:00z', '2026-11-23T08:00:00.000Z'],
    ['2026-11-23T09:00:00+01:00', '2026-11-23T08:00:00.000Z'],
    ['2026-11-23T03:30:00-0430', '2026-11-23T08:00:00.000Z'],
    ['2026-11-23T10:00:00+02', '2026-11-23T08:00:00.000Z'],
    ['2026-11-23T08:00:00.123456Z', '2026-11-23T08:00:00.123Z'],
    ['2026-11-23T08:00:00,5Z', '2026-11-23T08:00:00.500Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
    ['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    const r = parseIsoTimestamp(text);
    expect(r.ok && r.date.toISOString()).toBe(iso);
  });

  it.each([
    ['1', /not an ISO-8601 timestamp/],
    ['Nov 23 2026 08:00', /not an ISO-8601 timestamp/],
    ['2026-11-23', /not an ISO-8601 timestamp/],
    ['2026-11-23 08:00:00Z', /not an ISO-8601 timestamp/],
    ['2026-11-23T08:00:00', /has no time zone/],
    ['2026-02-30T00:00:00Z', /2026-02 has 28 days/],
    ['2025-02-29T00:00:00Z', /2025-02 has 28 days/],
    ['1900-02-29T00:00:00Z', /1900-02 has 28 days/],
    ['2026-04-31T00:00:00Z', /2026-04 has 30 days/],
    ['2026-13-01T00:00:00Z', /no month 13/],
    ['2026-00-01T00:00:00Z', /no month 00/],
    ['2026-11-00T00:00:00Z', /has 30 days/],
    ['2026-11-23T24:00:00Z', /not a real time/],
    ['2026-11-23T08:60:00Z', /not a real time/],
    ['2026-11-23T08:00:60Z', /not a real time/],
    ['2026-11-23T08:00:00+25:00', /offset/],
    ['2026-11-23T08:00:00Z\u0000', /not an ISO-8601 timestamp/],
    [' 2026-11-23T08:00:00Z', /not an ISO-8601 timestamp/],
  ])('refuses %j', (text, reason) => {
    const r = parseIsoTimestamp(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
