// Exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS): the delay before attempt n+1 after
// n consecutive failures is random in [base·2^(n-1) / 2, base·2^(n-1)], capped, so many accounts failing together
// do not return to the vendor in lockstep.
export function backoffDelayMs(failures: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const n = Math.max(1, failures);
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(n - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
