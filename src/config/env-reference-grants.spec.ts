import { loadConfig } from './app-config';
import { mayResolve, parseEnvReferenceGrants } from './env-reference-grants';

const ORG_A = '11111111-1111-4111-8111-111111111111';
const ORG_B = '22222222-2222-4222-8222-222222222222';
const rules = (grants: string, reserved: string[] = []) => parseEnvReferenceGrants(grants, new Set(reserved));

describe('env reference grants', () => {
  it('grants names to one organization, to every organization (*), and by prefix', () => {
    const r = rules(`${ORG_A}:MONARX_ID,MONARX_SECRET ; ${ORG_A.toUpperCase()}:ACME_* ; *:SHARED_TOKEN`);
    expect(mayResolve(r, ORG_A, 'MONARX_ID')).toBe(true);
    expect(mayResolve(r, ORG_A, 'ACME_ZENDESK_TOKEN')).toBe(true);
    expect(mayResolve(r, ORG_A, 'SHARED_TOKEN')).toBe(true);
    expect(mayResolve(r, ORG_B, 'SHARED_TOKEN')).toBe(true);
    expect(mayResolve(r, ORG_B, 'MONARX_ID')).toBe(false); // another organization's grant
    expect(mayResolve(r, ORG_B, 'ACME_ZENDESK_TOKEN')).toBe(false);
    expect(mayResolve(r, ORG_A, 'MONARX_IDX')).toBe(false); // a name is exact; only NAME_* is a prefix
    expect(mayResolve(r, ORG_A, 'PATH')).toBe(false); // nothing is granted by default
  });

  it('grants nothing when unset', () => {
    const r = rules('');
    expect(mayResolve(r, ORG_A, 'MONARX_ID')).toBe(false);
  });

  it("never resolves the service's own settings, even through a prefix", () => {
    // (the parser refuses such a grant; this is the second line of defence)
    const r = { grants: new Map([[ORG_A, ['S*', 'HOSTDIGEST_SECRET_KEY']]]), reserved: new Set(['SMTP_URL']) };
    expect(mayResolve(r, ORG_A, 'HOSTDIGEST_SECRET_KEY')).toBe(false);
    expect(mayResolve(r, ORG_A, 'SOMETHING')).toBe(true);
    expect(mayResolve(r, ORG_A, 'SMTP_URL')).toBe(false);
  });

  it('refuses a grant that would cover one of the service settings, naming it', () => {
    expect(() => rules(`${ORG_A}:DATABASE_URL`, ['DATABASE_URL'])).toThrow(/DATABASE_URL, one of the service's own settings/);
    expect(() => rules(`${ORG_A}:DATA*`, ['DATA_DIR'])).toThrow(/DATA_DIR/);
    expect(() => rules(`*:HOSTDIGEST_ADMIN_KEY`)).toThrow(/HOSTDIGEST_\*/);
    expect(() => rules(`*:HOST*`)).toThrow(/HOSTDIGEST_\*/);
    expect(() => rules(`*:PGPASSWORD`)).toThrow(/PG\*/);
  });

  it('refuses malformed entries', () => {
    expect(() => rules('acme:MONARX_ID')).toThrow(/organization id or \*/);
    expect(() => rules(`${ORG_A}`)).toThrow(/organization id or \*/);
    expect(() => rules(`${ORG_A}:`)).toThrow(/organization id or \*/);
    expect(() => rules(`${ORG_A}:*`)).toThrow(/variable name, or a prefix/);
    expect(() => rules(`${ORG_A}:NOT-A-NAME`)).toThrow(/variable name/);
  });

  it('reserves every name the config reads, whether set or not, and the grants setting itself', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/hd-grants-spec', ENV_REFERENCE_GRANTS: `*:MONARX_ID`, MONARX_ID: 'x' });
    for (const name of ['HOSTDIGEST_ADMIN_KEY', 'HOSTDIGEST_SECRET_KEY', 'DATABASE_URL', 'SMTP_URL', 'PORT', 'DATA_DIR', 'ENV_REFERENCE_GRANTS', 'DELIVERY_RETRY_SCHEDULE']) {
      expect(config.envReferences.reserved.has(name)).toBe(true);
    }
    expect(config.envReferences.reserved.has('MONARX_ID')).toBe(false);
    expect(mayResolve(config.envReferences, ORG_A, 'MONARX_ID')).toBe(true);
    expect(() => loadConfig({ DATA_DIR: '/tmp/hd-grants-spec', ENV_REFERENCE_GRANTS: `*:SMTP_URL` })).toThrow(/ENV_REFERENCE_GRANTS: "SMTP_URL" would grant SMTP_URL/);
  });
});
