import { FakeBlesta } from './fakes/fake-blesta';
import { FakeWhmcs } from './fakes/fake-whmcs';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

// Customers from the billing system: WHMCS and Blesta fakes on 127.0.0.1 (allow-listed), the import through the API
// and the job engine, and what a second run does.
describe('customers imported from WHMCS and Blesta', () => {
  let t: TestApp;
  let whmcs: FakeWhmcs;
  let blesta: FakeBlesta;

  beforeAll(async () => {
    whmcs = await FakeWhmcs.start();
    // 5,000 clients, 12,000 hosting services (2 or 3 each), one shop domain each
    whmcs.seed(5000, (i) => (i % 5 < 2 ? 3 : 2));
    blesta = await FakeBlesta.start();
    blesta.seed(45);
    t = await startTestApp({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '10000' });
  });
  afterAll(async () => {
    await t.close();
    await whmcs.stop();
    await blesta.stop();
  });

  const destination = async (body: Record<string, unknown>) => {
    const res = await t.api('POST', '/v1/destinations', { body });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const importFrom = async (system: string, destinationId: string) => {
    const started = await t.api('POST', `/v1/customers/import/${system}`, { body: { destinationId } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ system, status: 'queued', trigger: 'api' });
    return waitFor(async () => (await t.api('GET', `/v1/customers/imports/${started.body.id}`)).body, (r) => r.status === 'done' || r.status === 'failed', `the ${system} import`, 90_000);
  };
  const customers = async (prefix: string) =>
    Number((await t.db.dataSource.query(`SELECT count(*) AS n FROM customers WHERE external_ref LIKE $1`, [`${prefix}:%`]))[0].n);
  const sites = async (prefix: string) =>
    Number((await t.db.dataSource.query(`SELECT count(*) AS n FROM sites s JOIN customers c ON c.id = s.customer_id WHERE c.external_ref LIKE $1`, [`${prefix}:%`]))[0].n);

  it('imports 5,000 WHMCS clients with 12,000 services (paged), and a second run changes nothing', async () => {
    expect(whmcs.products).toHaveLength(12000);
    const id = await destination({ kind: 'whmcs', name: 'WHMCS', config: { url: whmcs.url, identifier: 'whmcs-id', secret: 'whmcs-secret' } });
    // the test button checks the credentials with one harmless read
    expect((await t.api('POST', `/v1/destinations/${id}/test`)).body).toMatchObject({ outcome: 'delivered' });
    const view = (await t.api('GET', `/v1/destinations/${id}`)).body;
    expect(JSON.stringify(view)).not.toContain('whmcs-secret');

    const first = await importFrom('whmcs', id);
    expect(first).toMatchObject({ status: 'done', error: null, report: { created: 5000, updated: 0, sitesCreated: 17000, rejectedCount: 0, skippedCount: 0 } });
    expect(first.progress.fetched).toEqual({
      clients: { fetched: 5000, total: 5000 }, services: { fetched: 12000, total: 12000 }, domains: { fetched: 5000, total: 5000 },
    });
    expect(whmcs.count('GetClients')).toBeGreaterThanOrEqual(20); // pages of 250
    expect(whmcs.calls.every((c) => c.params.responsetype === 'json' && c.params.identifier === 'whmcs-id')).toBe(true);
    expect(await customers('whmcs')).toBe(5000);
    expect(await sites('whmcs')).toBe(17000);
    const c7 = (await t.api('GET', '/v1/customers?externalRef=whmcs:7')).body.data[0] ?? (await t.db.dataSource.query(`SELECT id, name, emails, status FROM customers WHERE external_ref = 'whmcs:7'`))[0];
    expect(c7).toMatchObject({ name: 'C Hosting 7 Ltd', emails: ['admin7@c7.example'] });
    const [inactive] = await t.db.dataSource.query(`SELECT status FROM customers WHERE external_ref = 'whmcs:50'`);
    expect(inactive.status).toBe('suspended');

    // events find the customer by the service's domain, and by server + hosting user
    const at = new Date().toISOString();
    const pushed = await t.api('POST', '/v1/events', { body: { events: [
      { source: 'scanner', externalId: 'bi-1', kind: 'detection', occurredAt: at, domain: 'c7-1.example', filePath: '/x.php', threatName: 'T', severity: 'high' },
      { source: 'scanner', externalId: 'bi-2', kind: 'detection', occurredAt: at, server: 'web8.host.example', accountUser: 'cu7x1', filePath: '/y.php', threatName: 'T', severity: 'high' },
    ] } });
    expect(pushed.status).toBe(200);
    const matched = await t.db.dataSource.query(`SELECT c.external_ref FROM events e JOIN customers c ON c.id = e.customer_id WHERE e.external_id IN ('bi-1', 'bi-2')`);
    expect(matched.map((m: { external_ref: string }) => m.external_ref)).toEqual(['whmcs:7', 'whmcs:7']);

    const second = await importFrom('whmcs', id);
    expect(second.report).toMatchObject({ created: 0, updated: 0, unchanged: 5000, sitesCreated: 0, sitesUpdated: 0, sitesUnchanged: 17000, rejectedCount: 0 });
    expect(await customers('whmcs')).toBe(5000);

    // what changed in WHMCS, and only that, on the next run
    whmcs.clients[6].companyname = 'C Hosting Seven GmbH';
    whmcs.products.push({ id: 99999, clientid: 7, domain: 'new-7.example', serverhostname: 'web1.host.example', username: 'u7new', status: 'Active' });
    const third = await importFrom('whmcs', id);
    expect(third.report).toMatchObject({ created: 0, updated: 1, unchanged: 4999, sitesCreated: 1, sitesUpdated: 0 });
    const list = (await t.api('GET', '/v1/customers/imports')).body;
    expect(list.map((r: { id: string }) => r.id).slice(0, 3)).toEqual([third.id, second.id, first.id]);
  }, 180_000);

  it('stops at once on bad credentials or an IP not allow-listed, and rides out a maintenance page and a 500', async () => {
    const bad = await destination({ kind: 'whmcs', name: 'wrong secret', config: { url: whmcs.url, identifier: 'whmcs-id', secret: 'nope' } });
    const before = whmcs.calls.length;
    const failed = await importFrom('whmcs', bad);
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/Authentication Failed.*check the API credentials/) });
    expect(whmcs.calls.length - before).toBeLessThanOrEqual(3); // one try per list, none again
    const test = (await t.api('POST', `/v1/destinations/${bad}/test`)).body;
    expect(test).toMatchObject({ outcome: 'permanent_error', error: expect.stringContaining('Authentication Failed') });
    // refused credentials disable the destination (and tell the operator), as a channel's refused token does
    expect((await t.api('GET', `/v1/destinations/${bad}`)).body.health).toMatchObject({ state: 'disabled', disabledReason: 'invalid_credentials' });

    const walled = await FakeWhmcs.start({ allowedIp: false, accessKey: 'k3y!(x)' });
    walled.seed(30, () => 1, 'w');
    try {
      const noKey = await destination({ kind: 'whmcs', name: 'walled', config: { url: walled.url, identifier: 'whmcs-id', secret: 'whmcs-secret' } });
      expect(await importFrom('whmcs', noKey)).toMatchObject({ status: 'failed', error: expect.stringContaining('Invalid IP 127.0.0.1') });
      // a second WHMCS of the same operator: its customers get their own external_ref prefix
      const withKey = await destination({ kind: 'whmcs', name: 'walled, with key', config: { url: walled.url, identifier: 'whmcs-id', secret: 'whmcs-secret', accessKey: 'k3y!(x)', customerRefPrefix: 'whmcs-eu' } });
      walled.maintenance = 1;
      walled.failures = 1;
      expect(await importFrom('whmcs', withKey)).toMatchObject({ status: 'done', report: { created: 30, sitesCreated: 60, rejectedCount: 0 } });
      expect(walled.calls.filter((c) => c.params.accesskey === 'k3y!(x)').length).toBeGreaterThan(3);
      expect(await customers('whmcs-eu')).toBe(30);
      expect(await customers('whmcs')).toBe(5000);
    } finally {
      await walled.stop();
    }
  }, 120_000);

  it('answers 400/404/409 for a request that cannot work', async () => {
    expect((await t.api('POST', '/v1/customers/import/whmcs', { body: {} })).body).toMatchObject({ field: 'destinationId' });
    expect((await t.api('POST', '/v1/customers/import/whmcs', { body: { destinationId: '00000000-0000-4000-8000-000000000000' } })).status).toBe(404);
    const hook = await destination({ kind: 'webhook', name: 'not billing', config: { url: 'http://127.0.0.1:9/x' } });
    const wrongKind = await t.api('POST', '/v1/customers/import/whmcs', { body: { destinationId: hook } });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.message).toContain('webhook destination');
    const badConfig = await t.api('POST', '/v1/destinations', { body: { kind: 'whmcs', name: 'x', config: { url: 'ftp://billing.example', identifier: 'a', secret: 'b' } } });
    expect(badConfig.status).toBe(400);
    expect(badConfig.body.field).toBe('config.url');
    // a rule action on a billing destination names its operation: one without is refused, not left to fail
    const billing = await destination({ kind: 'whmcs', name: 'for rules', config: { url: whmcs.url, identifier: 'whmcs-id', secret: 'whmcs-secret' } });
    const rule = await t.api('POST', '/v1/rules', { body: { name: 'upsell', trigger: { type: 'event', filter: { kinds: ['cleanup'] } }, actions: [{ destinationId: billing }] } });
    expect(rule.status).toBe(400);
    expect(rule.body).toMatchObject({ field: 'actions[0].params', message: expect.stringContaining('operation (OpenTicket') });
    // one run at a time per destination
    whmcs.delayMs = 300;
    const id = await destination({ kind: 'whmcs', name: 'slow', config: { url: whmcs.url, identifier: 'whmcs-id', secret: 'whmcs-secret' } });
    const first = await t.api('POST', '/v1/customers/import/whmcs', { body: { destinationId: id } });
    const again = await t.api('POST', '/v1/customers/import/whmcs', { body: { destinationId: id } });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain(first.body.id);
    whmcs.delayMs = 0;
    await waitFor(async () => (await t.api('GET', `/v1/customers/imports/${first.body.id}`)).body.status, (s) => s === 'done', 'the slow run', 90_000);
  }, 120_000);

  it('imports Blesta clients and their services page by page', async () => {
    const id = await destination({ kind: 'blesta', name: 'Blesta', config: { url: blesta.url, user: 'hostdigest', key: 'blesta-key-123' } });
    expect((await t.api('POST', `/v1/destinations/${id}/test`)).body).toMatchObject({ outcome: 'delivered' });
    const run = await importFrom('blesta', id);
    // 45 clients; a site per active service, and the suspended VPS of every 4th client (server + user, no domain)
    expect(run).toMatchObject({ status: 'done', report: { created: 45, sitesCreated: 56, rejectedCount: 0 } });
    expect(blesta.calls.filter((c) => c.path === '/api/clients/getList.json').map((c) => c.query.page)).toEqual(['1', '2', '3', '4']);
    const [vps] = await t.db.dataSource.query(`SELECT s.server, s.account_user FROM sites s JOIN customers c ON c.id = s.customer_id WHERE c.external_ref = 'blesta:4' AND s.domains = '{}'`);
    expect(vps).toEqual({ server: 'vps4.host.example', account_user: 'vps4' });
    expect((await importFrom('blesta', id)).report).toMatchObject({ created: 0, updated: 0, unchanged: 45, sitesCreated: 0, sitesUnchanged: 56 });
    const wrong = await destination({ kind: 'blesta', name: 'Blesta wrong key', config: { url: blesta.url, user: 'hostdigest', key: 'wrong' } });
    expect(await importFrom('blesta', wrong)).toMatchObject({ status: 'failed', error: expect.stringContaining('The API user or key appears to be invalid') });
  }, 60_000);
});
