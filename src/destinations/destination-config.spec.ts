import { ValidationError } from '../errors/domain-error';
import { checkConfig, checkSigningSecret, generateSigningSecret, signingKey } from './destination-config';

const seal = (v: string) => `sealed(${v})`;
const field = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof ValidationError ? err.field : 'not a ValidationError';
  }
  return null;
};

describe('destination config', () => {
  it('keeps a webhook url and seals each custom header value', () => {
    expect(checkConfig('webhook', { url: 'https://p.example/h', headers: { 'X-Token': 't' } }, seal)).toEqual({ url: 'https://p.example/h', headers: { 'X-Token': 'sealed(t)' } });
  });

  it('names the field that is wrong', () => {
    expect(field(() => checkConfig('webhook', null, seal))).toBe('config');
    expect(field(() => checkConfig('webhook', { url: 'javascript:alert(1)' }, seal))).toBe('config.url');
    expect(field(() => checkConfig('webhook', { url: 'https://x.example', headers: { 'Content-Type': 'text/plain' } }, seal))).toBe('config.headers.Content-Type');
    expect(field(() => checkConfig('webhook', { url: 'https://x.example', headers: { 'bad name': 'v' } }, seal))).toBe('config.headers.bad name');
    expect(field(() => checkConfig('email', { to: ['a@b.example'], url: 'x' }, seal))).toBe('config.url');
    expect(field(() => checkConfig('email', { to: 'a@b.example' }, seal))).toBe('config.to');
  });

  it('keeps a retry schedule (any kind) and timeouts (webhook), checked', () => {
    expect(checkConfig('webhook', { url: 'https://x.example', retrySchedule: [0.5, 1], connectTimeoutSeconds: 1, timeoutSeconds: 2 }, seal)).toEqual({
      url: 'https://x.example', headers: {}, retrySchedule: [0.5, 1], connectTimeoutSeconds: 1, timeoutSeconds: 2,
    });
    expect(checkConfig('email', { to: ['a@b.example'], retrySchedule: [] }, seal)).toEqual({ to: ['a@b.example'], retrySchedule: [] });
    expect(field(() => checkConfig('webhook', { url: 'https://x.example', retrySchedule: 5 }, seal))).toBe('config.retrySchedule');
    expect(field(() => checkConfig('webhook', { url: 'https://x.example', retrySchedule: [1, -1] }, seal))).toBe('config.retrySchedule[1]');
    expect(field(() => checkConfig('webhook', { url: 'https://x.example', retrySchedule: [1, '5'] }, seal))).toBe('config.retrySchedule[1]');
    expect(field(() => checkConfig('webhook', { url: 'https://x.example', retrySchedule: Array(21).fill(1) }, seal))).toBe('config.retrySchedule');
    expect(field(() => checkConfig('webhook', { url: 'https://x.example', timeoutSeconds: 0 }, seal))).toBe('config.timeoutSeconds');
    expect(field(() => checkConfig('webhook', { url: 'https://x.example', connectTimeoutSeconds: 10, timeoutSeconds: 2 }, seal))).toBe('config.connectTimeoutSeconds');
    expect(field(() => checkConfig('email', { to: ['a@b.example'], timeoutSeconds: 2 }, seal))).toBe('config.timeoutSeconds');
  });

  it('dedupes e-mail recipients', () => {
    expect(checkConfig('email', { to: ['a@b.example', 'a@b.example'] }, seal)).toEqual({ to: ['a@b.example'] });
  });

  it('generates whsec_ secrets of 32 random bytes and checks supplied ones: 24 to 64 bytes of base64', () => {
    const s = generateSigningSecret();
    expect(s).toMatch(/^whsec_/);
    expect(signingKey(s)).toHaveLength(32);
    expect(s).not.toBe(generateSigningSecret());
    expect(() => checkSigningSecret('whsec_' + Buffer.alloc(24).toString('base64'))).not.toThrow();
    expect(() => checkSigningSecret('whsec_' + Buffer.alloc(64).toString('base64'))).not.toThrow();
    expect(() => checkSigningSecret('whsec_' + Buffer.alloc(23).toString('base64'))).toThrow(ValidationError);
    expect(() => checkSigningSecret('whsec_' + Buffer.alloc(65).toString('base64'))).toThrow(ValidationError);
    expect(() => checkSigningSecret('whsec_not base64!!!!!!!!!!!!!!!!!!!!!!!!!')).toThrow(ValidationError);
    expect(() => checkSigningSecret('env:PORTAL_SECRET')).not.toThrow();
  });
});
