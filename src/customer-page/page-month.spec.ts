import { localMonthSoFar } from './page-month';

describe('the page month', () => {
  it('starts at local midnight of the 1st in the customer time zone', () => {
    expect(localMonthSoFar('Europe/Berlin', new Date('2026-12-02T10:00:00Z')).start.toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(localMonthSoFar('America/New_York', new Date('2026-12-01T03:00:00Z')).start.toISOString()).toBe('2026-11-01T04:00:00.000Z'); // still 30 Nov there
    expect(localMonthSoFar('Pacific/Auckland', new Date('2026-11-30T12:00:00Z')).start.toISOString()).toBe('2026-11-30T11:00:00.000Z'); // 1 Dec there
    expect(localMonthSoFar('UTC', new Date('2026-07-15T00:00:00Z'))).toEqual({ start: new Date('2026-07-01T00:00:00Z'), end: new Date('2026-07-15T00:00:00Z') });
  });
});
