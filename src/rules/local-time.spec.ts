import { CronError, cronRuns, inLocalPeriod, isHhMm, isTimeZone, latestRun, nextCronRun, nextLocalTime, prevCronRun } from './local-time';

const iso = (d: Date) => d.toISOString();

describe('cron in a time zone', () => {
  it('runs at 09:00 New York local through the spring-forward week (EST then EDT)', () => {
    const runs = cronRuns('0 9 * * *', 'America/New_York', new Date('2026-03-06T00:00:00Z'), new Date('2026-03-10T00:00:00Z')).map(iso);
    expect(runs).toEqual(['2026-03-06T14:00:00.000Z', '2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z', '2026-03-09T13:00:00.000Z']);
  });

  it('runs a time in the spring gap once, after the gap, and a repeated autumn hour once', () => {
    const spring = cronRuns('30 2 * * *', 'America/New_York', new Date('2026-03-07T12:00:00Z'), new Date('2026-03-09T12:00:00Z')).map(iso);
    expect(spring).toEqual(['2026-03-08T07:30:00.000Z', '2026-03-09T06:30:00.000Z']);
    const autumn = cronRuns('30 1 * * *', 'America/New_York', new Date('2026-10-31T12:00:00Z'), new Date('2026-11-02T12:00:00Z')).map(iso);
    expect(autumn).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  it('runs the 1st of the month at 09:00 Berlin time, winter and summer', () => {
    const runs = cronRuns('0 9 1 * *', 'Europe/Berlin', new Date('2026-02-15T00:00:00Z'), new Date('2026-04-15T00:00:00Z')).map(iso);
    expect(runs).toEqual(['2026-03-01T08:00:00.000Z', '2026-04-01T07:00:00.000Z']);
  });

  it('refuses an expression that cannot work', () => {
    expect(() => nextCronRun('61 * * * *', 'UTC', new Date())).toThrow(CronError);
    expect(() => nextCronRun('not cron', 'UTC', new Date())).toThrow(CronError);
  });
});

describe('local periods', () => {
  it('holds 22:00–07:00 across midnight in the zone, end exclusive', () => {
    const tz = 'Europe/Berlin'; // UTC+1 in December
    expect(inLocalPeriod(new Date('2026-12-01T21:30:00Z'), '22:00', '07:00', tz)).toBe(true); // 22:30
    expect(inLocalPeriod(new Date('2026-12-01T05:59:00Z'), '22:00', '07:00', tz)).toBe(true); // 06:59
    expect(inLocalPeriod(new Date('2026-12-01T06:00:00Z'), '22:00', '07:00', tz)).toBe(false); // 07:00
    expect(inLocalPeriod(new Date('2026-12-01T12:00:00Z'), '12:00', '14:00', tz)).toBe(true); // 13:00
    expect(inLocalPeriod(new Date('2026-12-01T12:00:00Z'), '12:00', '12:00', tz)).toBe(false);
  });

  it('finds the next local HH:MM as an instant', () => {
    expect(iso(nextLocalTime('07:00', 'Europe/Berlin', new Date('2026-12-01T21:30:00Z')))).toBe('2026-12-02T06:00:00.000Z');
  });

  it('validates zones and times', () => {
    expect([isTimeZone('Europe/Berlin'), isTimeZone('Mars/Olympus')]).toEqual([true, false]);
    expect([isHhMm('07:30'), isHhMm('24:00'), isHhMm('7:30')]).toEqual([true, false, false]);
  });
});

describe('latestRun', () => {
  it('finds the run due now in the zone across the DST change, once', () => {
    const tz = 'America/New_York';
    const handled = new Date('2027-03-13T14:00:00Z'); // Saturday 09:00 EST
    expect(latestRun('0 9 * * *', tz, handled, new Date('2027-03-14T12:59:59Z'))).toBeNull();
    expect(latestRun('0 9 * * *', tz, handled, new Date('2027-03-14T13:00:30Z'))?.toISOString()).toBe('2027-03-14T13:00:00.000Z'); // Sunday 09:00 EDT
    expect(latestRun('0 9 * * *', tz, new Date('2027-03-14T13:00:00Z'), new Date('2027-03-14T20:00:00Z'))).toBeNull();
  });

  it('fires the latest missed run only, and the previous run bounds its period', () => {
    expect(latestRun('0 9 1 * *', 'Europe/Berlin', new Date('2026-12-01T08:00:00Z'), new Date('2027-03-02T00:00:00Z'))?.toISOString()).toBe('2027-03-01T08:00:00.000Z');
    expect(prevCronRun('0 9 1 * *', 'Europe/Berlin', new Date('2027-03-01T08:00:00Z')).toISOString()).toBe('2027-02-01T08:00:00.000Z');
  });
});
