import { memberSendTimes } from './member-quiet-hours';

const night = { start: '22:00', end: '07:00', bypassSeverity: 'critical' as const };
const at = new Date('2026-12-01T23:00:00Z'); // 00:00 in Berlin, 18:00 in New York

describe('memberSendTimes', () => {
  it("holds only the channels of a member in their own quiet hours, until those end in the member's zone", () => {
    const times = memberSendTimes(
      [
        { destinationId: 'berlin-sms', timeZone: 'Europe/Berlin', quietHours: night },
        { destinationId: 'berlin-mail', timeZone: 'Europe/Berlin', quietHours: night },
        { destinationId: 'ny-slack', timeZone: 'America/New_York', quietHours: night },
        { destinationId: 'always', timeZone: 'Europe/Berlin', quietHours: null },
      ],
      at,
      'high',
    );
    expect(times.get('berlin-sms')?.toISOString()).toBe('2026-12-02T06:00:00.000Z');
    expect(times.get('berlin-mail')?.toISOString()).toBe('2026-12-02T06:00:00.000Z');
    expect(times.get('ny-slack')).toBeNull();
    expect(times.get('always')).toBeNull();
  });

  it("sends at once when the firing reaches the member's bypass severity, and holds a firing of no severity", () => {
    const ch = [{ destinationId: 'd', timeZone: 'Europe/Berlin', quietHours: night }];
    expect(memberSendTimes(ch, at, 'critical').get('d')).toBeNull();
    expect(memberSendTimes(ch, at, null).get('d')).not.toBeNull();
    expect(memberSendTimes([{ destinationId: 'd', timeZone: 'Europe/Berlin', quietHours: { start: '22:00', end: '07:00' } }], at, 'critical').get('d')).not.toBeNull();
  });

  it('wraps midnight: a window from 08:00 to 18:00 does not hold at midnight', () => {
    expect(memberSendTimes([{ destinationId: 'd', timeZone: 'Europe/Berlin', quietHours: { start: '08:00', end: '18:00' } }], at, null).get('d')).toBeNull();
  });
});
