import { groupKey, inWindow, RollingWindow, stepMs, thresholdStep } from './threshold-crossing';

describe('thresholdStep', () => {
  it('fires when the count crosses N and not again while it stays at or above N', () => {
    expect(thresholdStep(true, 2, 3, 3)).toEqual({ fire: true, armed: false });
    expect(thresholdStep(false, 3, 4, 3)).toEqual({ fire: false, armed: false });
  });

  it('re-arms when the count is seen below N, including a count that drained before the new events came', () => {
    expect(thresholdStep(false, 2, 2, 3)).toEqual({ fire: false, armed: true });
    expect(thresholdStep(false, 1, 3, 3)).toEqual({ fire: true, armed: false });
  });

  it('fires once for a batch that jumps past N', () => {
    expect(thresholdStep(true, 0, 50, 10)).toEqual({ fire: true, armed: false });
  });
});

describe('RollingWindow', () => {
  const MIN = 60_000;

  it('fires at the Nth event within the window, once, and again after the window drained below N', () => {
    const w = new RollingWindow(10 * MIN, 3);
    const fired = [0, 1, 2, 3, 4].map((m) => w.add(m * MIN).fire);
    expect(fired).toEqual([false, false, true, false, false]);
    // at minute 13 the events of minutes 0–3 have left: 4 and 13 are two (below 3: re-armed), then 13.5 makes three
    expect(w.add(13 * MIN).fire).toBe(false);
    expect(w.add(13.5 * MIN).fire).toBe(true);
  });

  it('does not fire for events spread wider than the window', () => {
    const w = new RollingWindow(10 * MIN, 3);
    expect([0, 10, 20, 30].map((m) => w.add(m * MIN).fire)).toEqual([false, false, false, false]);
  });
});

describe('groupKey', () => {
  const e = { customerId: 'c', siteId: 's', server: 'web1' };
  it('groups by customer, site, server or the whole organization, and an event of no such group counts nowhere', () => {
    expect([groupKey('customer', e), groupKey('site', e), groupKey('server', e), groupKey('organization', e)]).toEqual(['c', 's', 'web1', 'organization']);
    expect(groupKey('customer', { ...e, customerId: null })).toBeNull();
  });
});

describe('window steps', () => {
  const DAY = 86_400_000;
  it('counts a 30-day window in 12-hour steps and an hour in minutes', () => {
    expect(stepMs(30 * DAY)).toBe(12 * 3600_000);
    expect(stepMs(3600_000)).toBe(60_000);
    expect(stepMs(30_000)).toBe(1000);
  });

  it('keeps an event while its step is one of the last 60', () => {
    const hour = 3600_000;
    const now = Date.UTC(2026, 11, 1, 12, 30, 30);
    expect(inWindow(now - hour + 60_000, now, hour)).toBe(true);
    expect(inWindow(now - hour, now, hour)).toBe(false);
    expect(inWindow(now - 59 * 60_000, now, hour)).toBe(true);
  });
});
