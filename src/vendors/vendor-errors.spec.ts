import { parseRetryAfter } from './vendor-errors';

describe('parseRetryAfter', () => {
  const now = new Date('2025-03-01T12:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date relative to now, never negative', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 11:00:00 GMT', now)).toBe(0);
  });

  it.each([[undefined], [''], ['soon'], ['1.5'], ['-3']])('gives null for %p', (value) => {
    expect(parseRetryAfter(value, now)).toBeNull();
  });
});
