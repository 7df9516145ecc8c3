import { randomBytes } from 'node:crypto';
import { signUnsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token';

describe('unsubscribe token', () => {
  const key = randomBytes(32);
  const id = '3f2b8c1e-9d4a-4e6b-8f1c-2a3b4c5d6e7f';

  it('round-trips the customer id and is short enough for a URL', () => {
    const token = signUnsubscribeToken(key, id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    expect(verifyUnsubscribeToken(key, token)).toBe(id);
  });

  it('refuses a token signed with another key, a changed id or signature, and garbage', () => {
    const token = signUnsubscribeToken(key, id);
    expect(verifyUnsubscribeToken(randomBytes(32), token)).toBeNull();
    const other = signUnsubscribeToken(key, '00000000-0000-4000-8000-000000000000');
    expect(verifyUnsubscribeToken(key, `${other.split('.')[0]}.${token.split('.')[1]}`)).toBeNull();
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(verifyUnsubscribeToken(key, flipped)).toBeNull();
    for (const bad of ['', 'x', 'a.b', `${token}.x`, token.replace('.', '')]) expect(verifyUnsubscribeToken(key, bad)).toBeNull();
  });
});
