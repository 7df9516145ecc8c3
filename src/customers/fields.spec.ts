import { normalizeDomain, normalizeEmail, normalizeIdentifier, normalizeLocale, normalizeTimeZone, siteIdentityError } from './fields';

describe('normalizeDomain', () => {
  it.each([
    ['example.com', 'example.com'],
    ['  WWW.Example.COM.  ', 'www.example.com'],
    ['https://shop.example.com/cart?x=1', 'shop.example.com'],
    ['http://example.com:8080', 'example.com'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
  ])('%s → %s', (raw, want) => expect(normalizeDomain(raw)).toBe(want));

  it.each(['', 'localhost', '1.2.3.4', 'a..b', '-a.example.com', 'a_b.example.com', '*.example.com', 'user@example.com', 'exa mple.com', `${'a'.repeat(64)}.com`])(
    'rejects %p',
    (raw) => expect(normalizeDomain(raw)).toBeNull(),
  );

  it('is idempotent', () => {
    for (const d of ['HTTPS://WWW.Example.com/', 'bücher.de.']) expect(normalizeDomain(normalizeDomain(d) as string)).toBe(normalizeDomain(d));
  });
});

describe('customer fields', () => {
  it('accepts e-mail addresses and trims them', () => {
    expect(normalizeEmail(' owner@acme.example ')).toBe('owner@acme.example');
    expect(normalizeEmail('owner@')).toBeNull();
    expect(normalizeEmail('two words@acme.example')).toBeNull();
  });

  it('canonicalizes language tags and refuses what is not one', () => {
    expect(normalizeLocale('en_us')).toBe('en-US');
    expect(normalizeLocale('pt-br')).toBe('pt-BR');
    expect(normalizeLocale('de')).toBe('de');
    expect(normalizeLocale('x')).toBeNull();
    expect(normalizeLocale('english please')).toBeNull();
  });

  it('accepts IANA time zones, fixes their case, keeps aliases as written and refuses offsets', () => {
    expect(normalizeTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(normalizeTimeZone('UTC')).toBe('UTC');
    expect(normalizeTimeZone('EST')).toBe('EST');
    expect(normalizeTimeZone('Mars/Olympus')).toBeNull();
    expect(normalizeTimeZone('+02:00')).toBeNull();
  });

  it('refuses identifiers with spaces or the key and list separators', () => {
    expect(normalizeIdentifier(' web02 ')).toBe('web02');
    for (const bad of ['', 'a b', 'a|b', 'a;b', 'x'.repeat(256)]) expect(normalizeIdentifier(bad)).toBeNull();
  });

  it('requires a site to be identifiable', () => {
    const empty = { domains: [], server: null, accountUser: null, vendorSiteIds: [] };
    expect(siteIdentityError(empty)?.field).toBe('domains');
    expect(siteIdentityError({ ...empty, server: 'web02' })?.field).toBe('accountUser');
    expect(siteIdentityError({ ...empty, server: 'web02', accountUser: 'carol' })).toBeNull();
    expect(siteIdentityError({ ...empty, vendorSiteIds: ['s-1'] })).toBeNull();
  });
});
