import { loadConfig } from '../config/app-config';
import { SecretBox } from './secret-box';

const box = (env: Record<string, string>) => new SecretBox(loadConfig({ HOSTDIGEST_SECRET_KEY: 'k'.repeat(40), DATA_DIR: '/tmp/hd-secret-spec', ...env }));

describe('SecretBox', () => {
  it('encrypts with AES-256-GCM: the stored form does not contain the secret and opens back', () => {
    const b = box({});
    const stored = b.store('monarx-api-secret-123');
    expect(stored).toMatch(/^v1:/);
    expect(stored).not.toContain('monarx-api-secret-123');
    expect(b.store('monarx-api-secret-123')).not.toBe(stored); // fresh IV each time
    expect(b.open(stored)).toBe('monarx-api-secret-123');
    expect(b.describe(stored)).toBe('encrypted');
  });

  it('refuses to open with another key, or a tampered value', () => {
    const stored = box({}).store('s3cret');
    expect(() => box({ HOSTDIGEST_SECRET_KEY: 'other'.repeat(10) }).open(stored)).toThrow(/cannot be decrypted/);
    const tampered = stored.slice(0, -2) + (stored.endsWith('A') ? 'BB' : 'AA');
    expect(() => box({}).open(tampered)).toThrow(/cannot be decrypted/);
  });

  it('keeps env:NAME references and resolves them from the environment', () => {
    const b = box({ MONARX_SECRET: 'from-env' });
    expect(b.store('env:MONARX_SECRET')).toBe('env:MONARX_SECRET');
    expect(b.open('env:MONARX_SECRET')).toBe('from-env');
    expect(b.describe('env:MONARX_SECRET')).toBe('env:MONARX_SECRET');
    expect(() => b.open('env:MISSING_ONE')).toThrow(/MISSING_ONE is not set/);
    expect(() => b.store('env:not valid')).toThrow(/not a valid env:NAME/);
  });
});
