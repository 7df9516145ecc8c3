import { eventCandidates, siteKeys } from './match-keys';

const noEvent = { domain: null, server: null, accountUser: null, vendorSiteId: null };

describe('siteKeys', () => {
  it('gives one key per vendor site id and domain, and one for server and account, lower-cased', () => {
    expect(siteKeys({ domains: ['acme.example', 'www.acme.example'], server: 'Web02', accountUser: 'Carol', vendorSiteIds: ['S-1'] })).toEqual([
      'vsid:S-1', 'dom:acme.example', 'dom:www.acme.example', 'acct:web02|carol',
    ]);
  });

  it('has no account key unless both server and user are known', () => {
    expect(siteKeys({ domains: ['acme.example'], server: 'web02', accountUser: null, vendorSiteIds: [] })).toEqual(['dom:acme.example']);
  });
});

describe('eventCandidates', () => {
  it('orders vendor site id, exact domain, www, parent domains, then server account', () => {
    const c = eventCandidates({ vendorSiteId: 'S-1', domain: 'www.shop.acme.example', server: 'web02', accountUser: 'carol' });
    expect(c.map((x) => [x.key, x.rule])).toEqual([
      ['vsid:S-1', 'vendor_site_id'],
      ['dom:www.shop.acme.example', 'domain'],
      ['dom:shop.acme.example', 'www'],
      ['dom:acme.example', 'subdomain'],
      ['acct:web02|carol', 'server_account'],
    ]);
    expect(c.map((x) => x.priority)).toEqual([0, 1, 2, 3, 4]);
  });

  it('walks parent domains down to two labels', () => {
    expect(eventCandidates({ ...noEvent, domain: 'a.b.example.com' }).map((x) => x.key)).toEqual([
      'dom:a.b.example.com', 'dom:www.a.b.example.com', 'dom:b.example.com', 'dom:example.com',
    ]);
  });

  it('also tries the www. form of a bare domain', () => {
    expect(eventCandidates({ ...noEvent, domain: 'Example.com.' }).map((x) => [x.key, x.rule])).toEqual([
      ['dom:example.com', 'domain'],
      ['dom:www.example.com', 'www'],
    ]);
  });

  it('skips domains that cannot be a site and incomplete server accounts', () => {
    expect(eventCandidates({ ...noEvent, domain: '10.0.0.1', server: 'web02' })).toEqual([]);
    expect(eventCandidates({ ...noEvent, server: ' WEB02 ', accountUser: 'Carol' })).toEqual([{ key: 'acct:web02|carol', rule: 'server_account', priority: 0 }]);
  });
});
