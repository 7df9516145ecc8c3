import { decideFailure, maxAttempts } from './retry-schedule';

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
