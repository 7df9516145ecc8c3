import { DEMO_CUSTOMERS } from '../src/vendors/simulator/demo-estate';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

describe('simulated vendor: the embedded default on a fresh install', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ HOSTDIGEST_SIMULATOR: 'on' });
  });
  afterAll(() => t.close());

  it('creates the demo customers with their sites and one simulator account', async () => {
    const customers = await t.api('GET', '/v1/customers?limit=100');
    expect(customers.body.data.map((c: { externalRef: string }) => c.externalRef).sort()).toEqual(DEMO_CUSTOMERS.map((c) => c.externalRef).sort());
    const sites = await t.api('GET', '/v1/sites?limit=500');
    expect(sites.body.data).toHaveLength(DEMO_CUSTOMERS.reduce((n, c) => n + c.sites.length, 0));
    const accounts = await t.api('GET', '/v1/vendor-accounts');
    expect(accounts.body.data).toEqual([expect.objectContaining({ vendor: 'simulator', enabled: true })]);
  });

  it('polls at once, so events of several kinds resolved to demo customers are listed within seconds', async () => {
    const events = await waitFor(() => t.api('GET', '/v1/events?limit=500'), (r) => r.body.data?.length > 20, 'simulated events');
    const kinds = new Set(events.body.data.map((e: { kind: string }) => e.kind));
    expect(kinds.has('detection')).toBe(true);
    expect(kinds.size).toBeGreaterThanOrEqual(3);
    const matched = events.body.data.filter((e: { customerId: string | null }) => e.customerId !== null);
    expect(matched.length / events.body.data.length).toBeGreaterThan(0.8);
  });

  it('leaves an operator\'s own PostgreSQL alone in auto mode', async () => {
    const own = await startTestApp({ HOSTDIGEST_SIMULATOR: 'auto' });
    try {
      expect((await own.api('GET', '/v1/vendor-accounts')).body.data).toEqual([]);
      expect((await own.api('GET', '/v1/customers')).body.data).toEqual([]);
    } finally {
      await own.close();
    }
  });

  it('does not add a second demo estate when a replica boots again on the same database', async () => {
    const second = await startTestApp({ HOSTDIGEST_SIMULATOR: 'on' }, { databaseUrl: t.databaseUrl });
    try {
      const accounts = await second.api('GET', '/v1/vendor-accounts');
      expect(accounts.body.data).toHaveLength(1);
      const customers = await second.api('GET', '/v1/customers?limit=100');
      expect(customers.body.data).toHaveLength(DEMO_CUSTOMERS.length);
    } finally {
      await second.close();
    }
  });
});
