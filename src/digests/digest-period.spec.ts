import { isLate, latestDue, monthToDate, nextDue, periodContaining, previousPeriod, Schedule, zonedTime } from './digest-period';

const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();
const berlin = (cadence: Schedule['cadence'], over: Partial<Schedule> = {}): Schedule => ({ cadence, sendTime: '08:00', dayOfWeek: 1, timeZone: 'Europe/Berlin', ...over });

describe('zonedTime', () => {
  it('maps a wall time to the instant in winter and in summer', () => {
    expect(iso(zonedTime('Europe/Berlin', { y: 2026, m: 1, d: 15 }, 8, 0))).toBe('2026-01-15T07:00:00.000Z');
    expect(iso(zonedTime('Europe/Berlin', { y: 2026, m: 7, d: 15 }, 8, 0))).toBe('2026-07-15T06:00:00.000Z');
  });

  it('moves a time in the spring gap forward and takes the first of a repeated autumn hour', () => {
    expect(iso(zonedTime('Europe/Berlin', { y: 2026, m: 3, d: 29 }, 2, 30))).toBe('2026-03-29T01:30:00.000Z'); // = 03:30 CEST
    expect(iso(zonedTime('Europe/Berlin', { y: 2026, m: 10, d: 25 }, 2, 30))).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST
  });

  it('handles UTC+13 and a negative offset', () => {
    expect(iso(zonedTime('Pacific/Tongatapu', { y: 2026, m: 6, d: 1 }))).toBe('2026-05-31T11:00:00.000Z');
    expect(iso(zonedTime('America/New_York', { y: 2026, m: 6, d: 1 }))).toBe('2026-06-01T04:00:00.000Z');
  });
});

describe('due computation', () => {
  it('sends a daily Berlin digest at 08:00 local in winter and in summer, covering the local day before', () => {
    const winter = latestDue(berlin('daily'), at('2026-01-15T07:00:00Z'))!;
    expect([iso(winter.scheduledAt), iso(winter.period.start), iso(winter.period.end)])
      .toEqual(['2026-01-15T07:00:00.000Z', '2026-01-13T23:00:00.000Z', '2026-01-14T23:00:00.000Z']);
    const summer = latestDue(berlin('daily'), at('2026-07-15T06:00:00Z'))!;
    expect([iso(summer.scheduledAt), iso(summer.period.start), iso(summer.period.end)])
      .toEqual(['2026-07-15T06:00:00.000Z', '2026-07-13T22:00:00.000Z', '2026-07-14T22:00:00.000Z']);
  });

  it('is not due a minute before the send time; the previous day is the latest due', () => {
    const d = latestDue(berlin('daily'), at('2026-01-15T06:59:00Z'))!;
    expect(iso(d.scheduledAt)).toBe('2026-01-14T07:00:00.000Z');
    expect(iso(nextDue(berlin('daily'), at('2026-01-15T06:59:00Z')).scheduledAt)).toBe('2026-01-15T07:00:00.000Z');
    expect(iso(nextDue(berlin('daily'), at('2026-01-15T07:00:00Z')).scheduledAt)).toBe('2026-01-16T07:00:00.000Z');
  });

  it('covers a 23-hour day in the spring DST week and a 25-hour day in the autumn one', () => {
    const spring = latestDue(berlin('daily'), at('2026-03-30T06:00:00Z'))!; // Monday 08:00 CEST
    expect(iso(spring.scheduledAt)).toBe('2026-03-30T06:00:00.000Z');
    expect(spring.period.end.getTime() - spring.period.start.getTime()).toBe(23 * 3600_000);
    const autumn = latestDue(berlin('daily'), at('2026-10-26T07:00:00Z'))!; // Monday 08:00 CET
    expect(iso(autumn.scheduledAt)).toBe('2026-10-26T07:00:00.000Z');
    expect(autumn.period.end.getTime() - autumn.period.start.getTime()).toBe(25 * 3600_000);
  });

  it('weekly over the DST change: Monday 08:00 local both sides, a week of 167 hours', () => {
    const s = berlin('weekly');
    const w = latestDue(s, at('2026-03-30T06:00:00Z'))!;
    expect([iso(w.period.start), iso(w.period.end)]).toEqual(['2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    expect(w.period.end.getTime() - w.period.start.getTime()).toBe(167 * 3600_000);
    expect(iso(nextDue(s, w.scheduledAt).scheduledAt)).toBe('2026-04-06T06:00:00.000Z');
    expect(iso(latestDue(s, at('2026-03-30T05:59:00Z'))!.scheduledAt)).toBe('2026-03-23T07:00:00.000Z'); // CET Monday before
  });

  it('a week crossing a month belongs to the week, and a Friday cadence starts weeks on Friday', () => {
    const w = latestDue(berlin('weekly'), at('2026-12-07T10:00:00Z'))!; // Monday 7 Dec
    expect([iso(w.period.start), iso(w.period.end)]).toEqual(['2026-11-29T23:00:00.000Z', '2026-12-06T23:00:00.000Z']);
    const fri = latestDue(berlin('weekly', { dayOfWeek: 5 }), at('2026-12-03T10:00:00Z'))!; // Thursday → last Friday
    expect(iso(fri.scheduledAt)).toBe('2026-11-27T07:00:00.000Z');
    expect([iso(fri.period.start), iso(fri.period.end)]).toEqual(['2026-11-19T23:00:00.000Z', '2026-11-26T23:00:00.000Z']);
  });

  it('monthly on the 1st covers the previous local month', () => {
    const m = latestDue(berlin('monthly'), at('2026-11-01T07:00:00Z'))!;
    expect([iso(m.period.start), iso(m.period.end), iso(m.scheduledAt)])
      .toEqual(['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z', '2026-11-01T07:00:00.000Z']);
    expect(iso(nextDue(berlin('monthly'), m.scheduledAt).scheduledAt)).toBe('2026-12-01T07:00:00.000Z');
  });

  it('a customer at UTC+13 gets its day before UTC has started it', () => {
    const s: Schedule = { cadence: 'daily', sendTime: '07:00', dayOfWeek: 1, timeZone: 'Pacific/Tongatapu' };
    const d = latestDue(s, at('2026-06-14T18:00:00Z'))!; // 07:00 on 15 June local
    expect([iso(d.scheduledAt), iso(d.period.start), iso(d.period.end)])
      .toEqual(['2026-06-14T18:00:00.000Z', '2026-06-13T11:00:00.000Z', '2026-06-14T11:00:00.000Z']);
    const m = latestDue({ ...s, cadence: 'monthly' }, at('2026-06-30T18:00:00Z'))!; // 1 July local, still 30 June UTC
    expect([iso(m.period.start), iso(m.period.end)]).toEqual(['2026-05-31T11:00:00.000Z', '2026-06-30T11:00:00.000Z']);
  });

  it('catches up only the latest period after downtime, marked late', () => {
    const down = latestDue(berlin('daily'), at('2026-01-18T12:00:00Z'))!; // missed 15th–18th 08:00
    expect(iso(down.scheduledAt)).toBe('2026-01-18T07:00:00.000Z');
    expect(isLate(down, at('2026-01-18T12:00:00Z'))).toBe(true);
    expect(isLate(down, at('2026-01-18T07:05:00Z'))).toBe(false);
  });
});

describe('period helpers', () => {
  it('finds the period containing an instant, the one before and the month so far', () => {
    const s = berlin('weekly');
    const p = periodContaining(s, at('2026-11-18T12:00:00Z'));
    expect([iso(p.start), iso(p.end)]).toEqual(['2026-11-15T23:00:00.000Z', '2026-11-22T23:00:00.000Z']);
    const prev = previousPeriod(s, p);
    expect([iso(prev.start), iso(prev.end)]).toEqual(['2026-11-08T23:00:00.000Z', '2026-11-15T23:00:00.000Z']);
    const cross = periodContaining(s, at('2026-12-02T12:00:00Z'));
    expect(iso(monthToDate('Europe/Berlin', cross).start)).toBe('2026-11-30T23:00:00.000Z');
    const m = previousPeriod(berlin('monthly'), periodContaining(berlin('monthly'), at('2026-03-15T12:00:00Z')));
    expect([iso(m.start), iso(m.end)]).toEqual(['2026-01-31T23:00:00.000Z', '2026-02-28T23:00:00.000Z']);
  });
});
