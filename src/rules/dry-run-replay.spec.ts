import { DryRunReplay, ReplayEvent } from './dry-run-replay';
import type { RuleSpec } from './rule-definition';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 2, 12, 0, 0);
let id = 0;
const ev = (m: number, o: Partial<ReplayEvent> = {}): ReplayEvent => ({
  eventId: String(++id), at: T0 + m * MIN, rank: 3, customerId: 'c1', siteId: 's1', server: 'web1', kind: 'detection', ...o,
});
const spec = (over: Partial<RuleSpec>): Pick<RuleSpec, 'trigger' | 'cooldownSeconds' | 'groupWindowSeconds' | 'quietHours'> => ({
  trigger: { type: 'event' }, cooldownSeconds: 0, groupWindowSeconds: 60, quietHours: null, ...over,
});

describe('DryRunReplay', () => {
  it('groups a burst per customer, lists 50 and counts the rest, and reports cooldown suppressions', () => {
    const r = new DryRunReplay(spec({ cooldownSeconds: 3600 }));
    for (let i = 0; i < 120; i++) r.add(ev(i / 200)); // within 36 s
    r.add(ev(0.5, { customerId: 'c2' }));
    r.add(ev(10));
    r.add(ev(70));
    const out = r.result();
    expect(out.firings.map((f) => [f.group, f.eventCount, f.eventIds.length, f.more, f.suppressed])).toEqual([
      ['c1', 120, 50, 70, 0], ['c2', 1, 1, 0, 0], ['c1', 1, 1, 0, 1],
    ]);
    expect(out.suppressed).toBe(1);
  });

  it('fires a threshold at the crossing and again after the window drained', () => {
    const r = new DryRunReplay(spec({ trigger: { type: 'threshold', count: 3, windowSeconds: 3600, groupBy: 'customer' }, groupWindowSeconds: 0 }));
    for (const m of [0, 1, 2, 3, 200, 201, 202]) r.add(ev(m, { kind: 'cleanup' }));
    expect(r.result().firings.map((f) => [f.at, f.data.count])).toEqual([[new Date(T0 + 2 * MIN).toISOString(), 3], [new Date(T0 + 202 * MIN).toISOString(), 3]]);
  });

  it('turns a silent agent stale when its silence reached staleHours, and back on its next event, naming the incident', () => {
    const r = new DryRunReplay(spec({ trigger: { type: 'transition', state: 'agent', staleHours: 2 }, groupWindowSeconds: 0 }));
    r.add(ev(0));
    r.add(ev(60));
    r.add(ev(60 + 300));
    const out = r.result(T0 + 1000 * MIN);
    expect(out.firings.map((f) => [f.data.to, f.at])).toEqual([
      ['stale', new Date(T0 + 180 * MIN).toISOString()], ['reporting', new Date(T0 + 360 * MIN).toISOString()], ['stale', new Date(T0 + 480 * MIN).toISOString()],
    ]);
    expect(out.firings[1].incident).toBe(out.firings[0].incident);
  });

  it('lists the updates of an open incident (updates: true) between its opening and its recovery, a burst as one', () => {
    const r = new DryRunReplay(spec({ trigger: { type: 'transition', state: 'infection', rollup: 'site', updates: true }, groupWindowSeconds: 60 }));
    r.add(ev(0, { filePath: '/a.php' }));
    r.add(ev(10, { filePath: '/b.php' }));
    r.add(ev(10.5, { filePath: '/c.php' }));
    r.add(ev(20, { kind: 'cleanup', filePath: '/a.php' })); // others still open: an update
    r.add(ev(30, { kind: 'cleanup', filePath: '/b.php' })); // another update
    r.add(ev(30.5, { kind: 'cleanup', filePath: '/c.php' })); // the last: the recovery
    const out = r.result();
    expect(out.firings.map((f) => [f.data.to, f.data.update ?? false, f.eventCount])).toEqual([
      ['infected', false, 1], ['infected', true, 2], ['infected', true, 1], ['infected', true, 1], ['clean', false, 1],
    ]);
    expect(new Set(out.firings.map((f) => f.incident)).size).toBe(1);
  });

  it('holds a firing in quiet hours unless it reaches the bypass severity', () => {
    const r = new DryRunReplay(spec({ groupWindowSeconds: 0, quietHours: { start: '11:00', end: '13:00', timeZone: 'UTC', bypassSeverity: 'critical' } }));
    r.add(ev(0, { rank: 3 }));
    r.add(ev(1, { rank: 4 }));
    expect(r.result().firings.map((f) => f.heldUntil)).toEqual([new Date(Date.UTC(2026, 10, 2, 13)).toISOString(), null]);
  });
});
