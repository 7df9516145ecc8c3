import { billingRows, BillingSnapshot } from './billing-records';

const snapshot = (over: Partial<BillingSnapshot> = {}): BillingSnapshot => ({
  system: 'whmcs',
  clients: [
    { id: '1', name: 'Acme Ltd', email: 'ops@acme.example', status: 'Active' },
    { id: '2', name: 'Beta', email: 'not an address', status: 'Closed' },
  ],
  services: [
    { id: '10', clientId: '1', domain: 'acme.example', server: 'web1.host.example', username: 'acme', status: 'Active' },
    { id: '11', clientId: '1', domain: '', server: 'web2.host.example', username: 'acme2', status: 'Suspended' },
    { id: '12', clientId: '1', domain: 'old.example', server: 'web1.host.example', username: 'old', status: 'Terminated' },
    { id: '13', clientId: '1', domain: null, server: null, username: null, status: 'Active' },
  ],
  domains: [
    { id: '20', clientId: '1', domain: 'ACME.example', status: 'Active' },
    { id: '21', clientId: '1', domain: 'acme-shop.example', status: 'Active' },
    { id: '22', clientId: '1', domain: 'gone.example', status: 'Expired' },
  ],
  ...over,
});

describe('billing records as customer-import rows', () => {
  it('makes a row per live service and per live domain no service names, with the client on each', () => {
    const { rows, records, skipped } = billingRows(snapshot());
    const ok = rows.filter((r) => !Array.isArray(r)) as any[];
    expect(ok.map((r) => [r.externalRef, r.site?.domains, r.site?.server, r.site?.accountUser])).toEqual([
      ['whmcs:1', ['acme.example'], 'web1.host.example', 'acme'],
      ['whmcs:1', [], 'web2.host.example', 'acme2'],
      ['whmcs:1', ['acme-shop.example'], null, null],
      ['whmcs:2', undefined, undefined, undefined],
    ]);
    expect(ok[0].customer).toEqual({ name: 'Acme Ltd', emails: ['ops@acme.example'], status: 'active' });
    // a bad address is left out rather than the client; Closed is closed
    expect(ok[3].customer).toEqual({ name: 'Beta', status: 'closed' });
    expect(ok[3].site).toBeNull();
    expect([...records.values()]).toEqual(['service 10 of client 1', 'service 11 of client 1', 'domain 21 of client 1', 'client 2']);
    expect(skipped).toEqual([{ record: 'service 13 of client 1', reason: expect.stringContaining('nothing to match events by') }]);
  });

  it('maps Blesta statuses and names a client without a name by its id', () => {
    const { rows } = billingRows({ system: 'blesta', clients: [{ id: '7', name: ' ', email: null, status: 'inactive' }], services: [], domains: [] });
    expect(rows).toEqual([expect.objectContaining({ externalRef: 'blesta:7', customer: { name: 'blesta client 7', status: 'suspended' }, site: null })]);
  });
});
