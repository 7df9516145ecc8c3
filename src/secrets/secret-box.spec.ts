import { loadConfig } from '../config/app-config';
import { SecretBox } from './secret-box';

const ORG = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const ADMIN = { organizationId: ORG, scopes: ['admin'] };
const box = (env: Record<string, string>) => new SecretBox(loadConfig({ HOSTDIGEST_SECRET_KEY: 'k'.repeat(40), DATA_DIR: '/tmp/hd-secret-spec', ...env }));

describe('SecretBox', () => {
  it('encrypts with AES-256-GCM: the stored form does not contain the secret and opens back', () => {
    const b = box({});
    const stored = b.store('monarx-api-secret-123', { organizationId: ORG, scopes: ['write'] });
    expect(stored).toMatch(/^v1:/);
    expect(stored).not.toContain('monarx-api-secret-123');
    expect(b.store('monarx-api-secret-123', ADMIN)).not.toBe(stored); // fresh IV each time
    expect(b.open(stored, ORG)).toBe('monarx-api-secret-123');
    expect(b.describe(stored)).toBe('encrypted');
  });

  it('refuses to open with another key, or a tampered value', () => {
    const stored = box({}).store('s3cret', ADMIN);
    expect(() => box({ HOSTDIGEST_SECRET_KEY: 'other'.repeat(10) }).open(stored, ORG)).toThrow(/cannot be decrypted/);
    const tampered = stored.slice(0, -2) + (stored.endsWith('A') ? 'BB' : 'AA');
    expect(() => box({}).open(tampered, ORG)).toThrow(/cannot be decrypted/);
  });

  it('keeps env:NAME references granted to the organization and resolves them from the environment', () => {
    const b = box({ MONARX_SECRET: 'from-env', ENV_REFERENCE_GRANTS: `${ORG}:MONARX_SECRET` });
    expect(b.store('env:MONARX_SECRET', ADMIN)).toBe('env:MONARX_SECRET');
    expect(b.open('env:MONARX_SECRET', ORG)).toBe('from-env');
    expect(b.describe('env:MONARX_SECRET')).toBe('env:MONARX_SECRET');
    expect(() => b.store('env:not valid', ADMIN)).toThrow(/not a valid env:NAME/);
  });

  it('gives one answer for a name not granted, granted elsewhere, reserved or not set', () => {
    const b = box({ MONARX_SECRET: 'from-env', PATH_LIKE: 'x', ENV_REFERENCE_GRANTS: `${ORG}:MONARX_SECRET,MISSING_ONE` });
    const answer = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        const e = err as { code: string; status: number; message: string };
        return { code: e.code, status: e.status, message: e.message.replace(/env:\w+/, 'env:X') };
      }
      return 'resolved';
    };
    const expected = answer(() => b.open('env:MISSING_ONE', ORG));
    expect(expected).toMatchObject({ code: 'secret_unavailable', status: 422 });
    expect(JSON.stringify(expected)).not.toMatch(/on this replica/);
    for (const [name, org] of [['PATH_LIKE', ORG], ['MONARX_SECRET', OTHER], ['HOSTDIGEST_SECRET_KEY', ORG], ['HOSTDIGEST_ADMIN_KEY', ORG], ['NEVER_SET', ORG]]) {
      expect(answer(() => b.open(`env:${name}`, org))).toEqual(expected);
      expect(answer(() => b.store(`env:${name}`, { organizationId: org, scopes: ['admin'] }))).toEqual(expected);
    }
  });

  it('lets only an admin set an env reference or move credentials that hold one', () => {
    const b = box({ MONARX_SECRET: 'from-env', ENV_REFERENCE_GRANTS: `*:MONARX_SECRET` });
    const writer = { organizationId: ORG, scopes: ['write'] };
    expect(() => b.store('env:MONARX_SECRET', writer, 'credentials.apiSecret')).toThrow(/only an API key with the "admin" scope/);
    expect(() => b.assertMayRedirect(['env:MONARX_SECRET'], writer)).toThrow(/"admin" scope/);
    expect(() => b.assertMayRedirect([b.store('plain', writer)], writer)).not.toThrow();
    expect(() => b.assertMayRedirect(['env:MONARX_SECRET'], ADMIN)).not.toThrow();
  });
});
