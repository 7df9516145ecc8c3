// Exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS): the delay before attempt n+1 after
// n consecutive failures is random in [base·2^(n-1) / 2, base·2^(n-1)], capped, so many accounts failing together
// do not return to the vendor in lockstep.
export function backoffDelayMs(failures: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const n = Math.max(1, failures);
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(n - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

// What went wrong, as the schedules below need to know it.
// rate_limited: a 429, the vendor's pace rather than a fault · transient: 5xx, timeouts, network, our own storage ·
// permanent: credentials, enterprise id, settings, API contract: retrying soon will not help.
export type PollFault = { kind: 'rate_limited'; retryAfterMs: number | null } | { kind: 'transient' } | { kind: 'permanent' };

export interface RequestRetryPolicy {
  retries: number; // after a transient fault of one request
  baseMs: number;
  retryAfterMaxMs: number; // the longest wait for the vendor's pace inside a run
}

// 429s in a row on one request that are waited out in place before the run gives the account back to the schedule.
export const MAX_PACE_WAITS = 20;

// One vendor request failed: wait this long and send the same request again, or give up on it (null). `faults` and
// `limits` count this request's transient faults and 429s so far, this one included.
export function requestRetryWaitMs(
  fault: PollFault,
  tries: { faults: number; limits: number },
  policy: RequestRetryPolicy,
  random: () => number = Math.random,
): number | null {
  if (fault.kind === 'rate_limited') {
    if (tries.limits > MAX_PACE_WAITS) return null;
    const wait = fault.retryAfterMs ?? backoffDelayMs(tries.limits, policy.baseMs, Math.max(policy.baseMs, policy.retryAfterMaxMs), random);
    return wait <= policy.retryAfterMaxMs ? wait : null;
  }
  if (fault.kind === 'transient') {
    if (tries.faults > policy.retries) return null;
    return backoffDelayMs(tries.faults, policy.baseMs, policy.baseMs * 16, random);
  }
  return null;
}

export interface AccountBackoff {
  backoffBaseMs: number;
  backoffMaxMs: number;
  failingRetryMs: number;
}

// A poll run ended on a fault. A run that made progress ends the streak before it (it was not a failure), a 429 does
// not add to it (the vendor's pace), so the wait grows only with failures in a row that made no progress.
export function afterFailedRun(
  run: { previousFailures: number; progressed: boolean; fault: PollFault },
  cfg: AccountBackoff,
  random: () => number = Math.random,
): { status: 'retrying' | 'failing'; failures: number; retryInMs: number } {
  const streak = run.progressed ? 0 : run.previousFailures;
  const { fault } = run;
  if (fault.kind === 'permanent') return { status: 'failing', failures: streak + 1, retryInMs: cfg.failingRetryMs };
  if (fault.kind === 'rate_limited') {
    return { status: 'retrying', failures: streak, retryInMs: fault.retryAfterMs ?? backoffDelayMs(streak + 1, cfg.backoffBaseMs, cfg.backoffMaxMs, random) };
  }
  const failures = streak + 1;
  return { status: 'retrying', failures, retryInMs: backoffDelayMs(failures, cfg.backoffBaseMs, cfg.backoffMaxMs, random) };
}
