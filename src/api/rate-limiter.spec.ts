import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows the configured number per minute, then tells how long to wait', () => {
    let now = 1_000_000;
    const rl = new RateLimiter(3, () => now);
    expect([rl.take('a'), rl.take('a'), rl.take('a')]).toEqual([0, 0, 0]);
    now += 15_000;
    expect(rl.take('a')).toBe(45);
    expect(rl.take('b')).toBe(0);
    now += 45_000;
    expect(rl.take('a')).toBe(0);
  });

  it('tells how long to wait once the window is used up, without counting the question', () => {
    let now = 1_000_000;
    const rl = new RateLimiter(2, () => now);
    expect(rl.wait('a')).toBe(0);
    rl.take('a');
    expect(rl.wait('a')).toBe(0);
    rl.take('a');
    now += 20_000;
    expect([rl.wait('a'), rl.wait('a'), rl.wait('b')]).toEqual([40, 40, 0]);
    now += 40_000;
    expect(rl.wait('a')).toBe(0);
  });
});
