import type { GroupBy } from './rule-definition';
import type { RuleEvent } from './event-filter';

// A threshold fires when the count of matching events of a group within the rolling window crosses N (from below to
// at least N), not on every event after; it re-arms once the count is seen below N again (events left the window).
// `before` is the count in the window just before the new events, `after` with them: a count below N before counts
// as seeing it re-armed even if no evaluation happened while it was low (nothing arrives while a window drains).
export interface ThresholdStep {
  fire: boolean;
  armed: boolean;
}

export function thresholdStep(armed: boolean, before: number, after: number, n: number): ThresholdStep {
  const ready = armed || before < n;
  if (ready && after >= n) return { fire: true, armed: false };
  return { fire: false, armed: ready || after < n };
}

// A window is counted in 60 steps (at least a second each): an event counts while its step is one of the last 60 up
// to the current one. Live counters (rule_counts) and the replay use the same steps, so they count alike.
export const WINDOW_STEPS = 60;
export const stepMs = (windowMs: number): number => Math.max(1000, Math.floor(windowMs / WINDOW_STEPS));
export const stepOf = (t: number, windowMs: number): number => Math.floor(t / stepMs(windowMs)) * stepMs(windowMs);
// Whether an event at `t` still counts at `now`.
export const inWindow = (t: number, now: number, windowMs: number): boolean => stepOf(t, windowMs) > stepOf(now, windowMs) - windowMs;

// The group an event counts in; null when it has none (no customer, site or server), so it counts nowhere.
export function groupKey(by: GroupBy, e: Pick<RuleEvent, 'customerId' | 'siteId' | 'server'>): string | null {
  switch (by) {
    case 'customer': return e.customerId;
    case 'site': return e.siteId;
    case 'server': return e.server;
    case 'organization': return 'organization';
  }
}

// The events of one group in time order, for replaying a stream (dry-run): each `add` returns the step at that event.
export class RollingWindow {
  private readonly times: number[] = [];
  private head = 0;
  private armed = true;

  constructor(private readonly windowMs: number, private readonly n: number) {}

  // Events of the window are those still inWindow at t; the event at t counts. Times come in order.
  add(t: number): ThresholdStep {
    while (this.head < this.times.length && !inWindow(this.times[this.head], t, this.windowMs)) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    const before = this.times.length - this.head;
    this.times.push(t);
    const step = thresholdStep(this.armed, before, before + 1, this.n);
    this.armed = step.armed;
    return step;
  }
}
