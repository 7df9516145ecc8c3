import { isRecovery, shouldAutoDisable } from './destination-health';

const rule = { autoDisableSeconds: 5 * 24 * 3600, autoDisableMinFailures: 10 };
const t0 = new Date('2026-12-01T00:00:00Z');
const days = (n: number) => new Date(t0.getTime() + n * 24 * 3600 * 1000);

describe('shouldAutoDisable', () => {
  it('disables after 5 days without success and at least 10 failed attempts', () => {
    expect(shouldAutoDisable({ consecutiveFailures: 10, failingSince: t0 }, days(5), rule)).toBe(true);
    expect(shouldAutoDisable({ consecutiveFailures: 30, failingSince: t0 }, days(9), rule)).toBe(true);
  });
  it('needs both: the time and the failures', () => {
    expect(shouldAutoDisable({ consecutiveFailures: 100, failingSince: t0 }, days(4.9), rule)).toBe(false);
    expect(shouldAutoDisable({ consecutiveFailures: 9, failingSince: t0 }, days(30), rule)).toBe(false);
    expect(shouldAutoDisable({ consecutiveFailures: 0, failingSince: null }, days(30), rule)).toBe(false);
  });
});

describe('isRecovery', () => {
  it('is the first success after a streak of at least 10 failures, not after a blip', () => {
    expect(isRecovery({ consecutiveFailures: 10, failingSince: t0 }, rule)).toBe(true);
    expect(isRecovery({ consecutiveFailures: 2, failingSince: t0 }, rule)).toBe(false);
    expect(isRecovery({ consecutiveFailures: 0, failingSince: null }, rule)).toBe(false);
  });
});
