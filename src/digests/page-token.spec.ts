import { linkState, signPageToken, verifyPageToken } from './page-token';

const KEY = Buffer.alloc(32, 7);
const ID = '0b9d2f4e-1c3a-4e5f-8a7b-6c5d4e3f2a1b';

describe('customer page token', () => {
  it('round-trips the customer, the time it was made and the digest period', () => {
    const t = { customerId: ID, issuedAt: new Date('2026-11-23T07:00:30.123Z'), period: { cadence: 'weekly' as const, start: new Date('2026-11-15T23:00:00Z'), end: new Date('2026-11-22T23:00:00Z') } };
    const token = signPageToken(KEY, t);
    expect(token).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(verifyPageToken(KEY, token)).toEqual(t);
    expect(verifyPageToken(KEY, signPageToken(KEY, { ...t, period: null }))).toEqual({ ...t, period: null });
  });

  it('refuses a changed byte anywhere, another key and malformed input', () => {
    const token = signPageToken(KEY, { customerId: ID, issuedAt: new Date(), period: null });
    for (let i = 0; i < token.length; i++) {
      const c = token[i] === 'A' ? 'B' : 'A';
      expect(verifyPageToken(KEY, token.slice(0, i) + c + token.slice(i + 1))).toBeNull();
    }
    expect(verifyPageToken(Buffer.alloc(32, 8), token)).toBeNull();
    for (const bad of ['', 'x', token + 'A', token.slice(1), `${token.slice(0, 63)}=`, '../'.repeat(22)]) expect(verifyPageToken(KEY, bad)).toBeNull();
  });

  it('expires after the TTL and stops working for links made before a revocation', () => {
    const made = new Date('2026-11-01T00:00:00Z');
    expect(linkState(made, new Date('2026-11-30T23:59:59Z'), 30, null)).toBe('valid');
    expect(linkState(made, new Date('2026-12-01T00:00:00Z'), 30, null)).toBe('expired');
    expect(linkState(made, new Date('2026-11-02T00:00:00Z'), 30, new Date('2026-11-01T00:00:01Z'))).toBe('revoked');
    expect(linkState(made, new Date('2026-11-02T00:00:00Z'), 30, new Date('2026-10-31T00:00:00Z'))).toBe('valid');
  });
});
