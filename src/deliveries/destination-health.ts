// When a failing destination is disabled on its own, and when a success is news. Pure.
export interface Streak {
  consecutiveFailures: number; // failed attempts since the last success
  failingSince: Date | null; // the first of them
}

// No success for `afterSeconds` (the streak began that long ago) and at least `minFailures` failed attempts since.
export function shouldAutoDisable(s: Streak, now: Date, rule: { autoDisableSeconds: number; autoDisableMinFailures: number }): boolean {
  if (!s.failingSince || s.consecutiveFailures < rule.autoDisableMinFailures) return false;
  return now.getTime() - s.failingSince.getTime() >= rule.autoDisableSeconds * 1000;
}

// The first success after a streak long enough to count (at least minFailures failed attempts; an auto-disabled
// destination's streak always is): destination.recovered. A single blip between successes is no news.
export function isRecovery(before: Streak, rule: { autoDisableMinFailures: number }): boolean {
  return before.failingSince !== null && before.consecutiveFailures >= rule.autoDisableMinFailures;
}
