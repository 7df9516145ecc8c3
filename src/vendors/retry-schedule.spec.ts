import { backoffDelayMs } from './retry-schedule';

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
