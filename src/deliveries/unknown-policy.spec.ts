import { automaticResends } from './unknown-policy';

describe('automaticResends', () => {
  it('resend: once; hold: never', () => {
    expect(automaticResends('resend')).toBe(1);
    expect(automaticResends('hold')).toBe(0);
  });
});
