import { afterFailedRun, backoffDelayMs, MAX_PACE_WAITS, requestRetryWaitMs } from './retry-schedule';

describe('backoffDelayMs', () => {
  it('doubles per failure within a jitter band, up to the cap', () => {
    expect(backoffDelayMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelayMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelayMs(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffDelayMs(20, 1000, 60_000, () => 1)).toBe(60_000);
    expect(backoffDelayMs(20, 1000, 60_000, () => 0)).toBe(30_000);
  });
  it('spreads accounts that fail together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(3, 1000, 60_000)));
    expect(delays.size).toBeGreaterThan(10);
  });
});

describe('requestRetryWaitMs', () => {
  const policy = { retries: 3, baseMs: 100, retryAfterMaxMs: 5000 };
  const top = () => 1;

  it('waits out Retry-After in place, up to the longest wait allowed inside a run', () => {
    expect(requestRetryWaitMs({ kind: 'rate_limited', retryAfterMs: 2000 }, { faults: 0, limits: 1 }, policy)).toBe(2000);
    expect(requestRetryWaitMs({ kind: 'rate_limited', retryAfterMs: 0 }, { faults: 0, limits: 1 }, policy)).toBe(0);
    expect(requestRetryWaitMs({ kind: 'rate_limited', retryAfterMs: 6000 }, { faults: 0, limits: 1 }, policy)).toBeNull();
  });

  it('paces a 429 without Retry-After by backoff, and gives the run up after many in a row', () => {
    expect(requestRetryWaitMs({ kind: 'rate_limited', retryAfterMs: null }, { faults: 0, limits: 3 }, policy, top)).toBe(400);
    expect(requestRetryWaitMs({ kind: 'rate_limited', retryAfterMs: 0 }, { faults: 0, limits: MAX_PACE_WAITS + 1 }, policy)).toBeNull();
  });

  it('retries a transient fault a few times with growing waits, a permanent one never', () => {
    expect(requestRetryWaitMs({ kind: 'transient' }, { faults: 1, limits: 5 }, policy, top)).toBe(100);
    expect(requestRetryWaitMs({ kind: 'transient' }, { faults: 3, limits: 0 }, policy, top)).toBe(400);
    expect(requestRetryWaitMs({ kind: 'transient' }, { faults: 4, limits: 0 }, policy, top)).toBeNull();
    expect(requestRetryWaitMs({ kind: 'permanent' }, { faults: 1, limits: 0 }, policy)).toBeNull();
  });
});

describe('afterFailedRun', () => {
  const cfg = { backoffBaseMs: 1000, backoffMaxMs: 60_000, failingRetryMs: 3_600_000 };
  const top = () => 1;

  it('grows the wait with failures in a row that made no progress', () => {
    expect(afterFailedRun({ previousFailures: 0, progressed: false, fault: { kind: 'transient' } }, cfg, top)).toEqual({ status: 'retrying', failures: 1, retryInMs: 1000 });
    expect(afterFailedRun({ previousFailures: 3, progressed: false, fault: { kind: 'transient' } }, cfg, top)).toEqual({ status: 'retrying', failures: 4, retryInMs: 8000 });
  });

  it('starts over after a run that made progress, whatever the streak before it', () => {
    expect(afterFailedRun({ previousFailures: 9, progressed: true, fault: { kind: 'transient' } }, cfg, top)).toEqual({ status: 'retrying', failures: 1, retryInMs: 1000 });
  });

  it('does not count a 429 as a failure, and waits what the vendor asked', () => {
    expect(afterFailedRun({ previousFailures: 2, progressed: false, fault: { kind: 'rate_limited', retryAfterMs: 90_000 } }, cfg, top)).toEqual({ status: 'retrying', failures: 2, retryInMs: 90_000 });
    expect(afterFailedRun({ previousFailures: 2, progressed: true, fault: { kind: 'rate_limited', retryAfterMs: null } }, cfg, top)).toEqual({ status: 'retrying', failures: 0, retryInMs: 1000 });
  });

  it('marks a permanent fault failing and retries it rarely', () => {
    expect(afterFailedRun({ previousFailures: 0, progressed: true, fault: { kind: 'permanent' } }, cfg)).toEqual({ status: 'failing', failures: 1, retryInMs: 3_600_000 });
  });
});
