import { decideFailure, jitter, maxAttempts, SVIX_RETRY_SCHEDULE } from './retry-schedule';

const SCHEDULE = [60, 300, 1800, 7200, 21600];

describe('decideFailure', () => {
  it('waits 1 min, 5 min, 30 min, 2 h, 6 h after the 1st … 5th failure, then gives up', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => decideFailure(false, n, SCHEDULE))).toEqual([
      { status: 'failed', retryInSeconds: 60 },
      { status: 'failed', retryInSeconds: 300 },
      { status: 'failed', retryInSeconds: 1800 },
      { status: 'failed', retryInSeconds: 7200 },
      { status: 'failed', retryInSeconds: 21600 },
      { status: 'dead', reason: 'gave_up' },
    ]);
    expect(maxAttempts(SCHEDULE)).toBe(6);
  });

  it('sends a permanent failure straight to dead, on any attempt', () => {
    expect(decideFailure(true, 1, SCHEDULE)).toEqual({ status: 'dead', reason: 'permanent' });
  });

  it('gives up at once with an empty schedule', () => {
    expect(decideFailure(false, 1, [])).toEqual({ status: 'dead', reason: 'gave_up' });
  });
});

describe('Svix schedule, jitter and Retry-After', () => {
  it('is 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the 1st … 7th failure: 8 attempts', () => {
    expect(SVIX_RETRY_SCHEDULE).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(maxAttempts(SVIX_RETRY_SCHEDULE)).toBe(8);
    expect(decideFailure(false, 8, SVIX_RETRY_SCHEDULE)).toEqual({ status: 'dead', reason: 'gave_up' });
  });

  it('jitters each step by at most ±20%', () => {
    expect(jitter(100, () => 0)).toBeCloseTo(80);
    expect(jitter(100, () => 0.5)).toBeCloseTo(100);
    expect(jitter(100, () => 0.999999)).toBeCloseTo(120);
    for (let i = 0; i < 100; i++) {
      const s = jitter(300);
      expect(s).toBeGreaterThanOrEqual(240);
      expect(s).toBeLessThanOrEqual(360);
    }
  });

  it('uses Retry-After instead of the step, capped at the longest step; it does not extend the round', () => {
    expect(decideFailure(false, 1, SVIX_RETRY_SCHEDULE, 2)).toEqual({ status: 'failed', retryInSeconds: 2 });
    expect(decideFailure(false, 1, SVIX_RETRY_SCHEDULE, 999_999)).toEqual({ status: 'failed', retryInSeconds: 36000 });
    expect(decideFailure(false, 8, SVIX_RETRY_SCHEDULE, 2)).toEqual({ status: 'dead', reason: 'gave_up' });
    expect(decideFailure(true, 1, SVIX_RETRY_SCHEDULE, 2)).toEqual({ status: 'dead', reason: 'permanent' });
  });
});
