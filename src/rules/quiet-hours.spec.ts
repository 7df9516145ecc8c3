import { maxSeverity, quietHold } from './quiet-hours';

const q = { start: '22:00', end: '07:00', bypassSeverity: 'critical' as const };

describe('quietHold', () => {
  it('holds a firing in quiet hours until they end, in the customer zone', () => {
    expect(quietHold(q, new Date('2026-12-01T23:00:00Z'), 'Europe/Berlin', 'high')?.toISOString()).toBe('2026-12-02T06:00:00.000Z');
    expect(quietHold(q, new Date('2026-12-01T23:00:00Z'), 'America/New_York', 'high')).toBeNull(); // 18:00 there
  });

  it('lets a firing at the bypass severity through, and holds one without severity', () => {
    expect(quietHold(q, new Date('2026-12-01T23:00:00Z'), 'Europe/Berlin', 'critical')).toBeNull();
    expect(quietHold(q, new Date('2026-12-01T23:00:00Z'), 'Europe/Berlin', null)).not.toBeNull();
  });

  it('uses the rule zone over the customer one, and holds nothing without quiet hours', () => {
    expect(quietHold({ ...q, timeZone: 'UTC' }, new Date('2026-12-01T22:30:00Z'), 'Asia/Tokyo', null)?.toISOString()).toBe('2026-12-02T07:00:00.000Z');
    expect(quietHold(null, new Date(), 'UTC', null)).toBeNull();
  });

  it('holds across a DST change and releases at the local end time', () => {
    // Berlin falls back on 2026-10-25: 07:00 local is 06:00Z that morning
    expect(quietHold(q, new Date('2026-10-24T21:00:00Z'), 'Europe/Berlin', null)?.toISOString()).toBe('2026-10-25T06:00:00.000Z');
  });
});

describe('maxSeverity', () => {
  it('takes the most severe of a group', () => {
    expect(maxSeverity(['low', null, 'high', 'medium'])).toBe('high');
    expect(maxSeverity([null])).toBeNull();
  });
});
