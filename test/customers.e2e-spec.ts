import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { startTestApp, TestApp } from './support/test-app';

describe('customers and sites: CRUD, validation, isolation', () => {
  let t: TestApp;
  let keyB: string;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000' });
    const orgB = await t.app.get(OrganizationsService).create('Other Hosting Ltd');
    keyB = (await t.app.get(ApiKeysService).create(orgB.id, 'b-admin', ['admin'])).key;
  });
  afterAll(() => t.close());

  const customer = async (externalRef: string, over: Record<string, unknown> = {}, key?: string) => {
    const res = await t.api('POST', '/v1/customers', { body: { externalRef, name: `Customer ${externalRef}`, ...over }, key });
    expect(res.status).toBe(201);
    return res.body;
  };

  it('creates a customer with defaults and normalized fields, reads, updates and deletes it', async () => {
    const created = await customer('whmcs-1', { emails: [' owner@acme.example ', 'owner@acme.example'], locale: 'en_gb', timeZone: 'europe/berlin' });
    expect(created).toMatchObject({ externalRef: 'whmcs-1', emails: ['owner@acme.example'], locale: 'en-GB', timeZone: 'Europe/Berlin', status: 'active', brandId: null });
    expect((await t.api('GET', `/v1/customers/${created.id}`)).body).toMatchObject({ id: created.id, name: 'Customer whmcs-1' });

    const patched = await t.api('PATCH', `/v1/customers/${created.id}`, { body: { status: 'suspended', name: 'Acme' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ status: 'suspended', name: 'Acme', locale: 'en-GB' });

    expect((await t.api('DELETE', `/v1/customers/${created.id}`)).status).toBe(204);
    expect((await t.api('GET', `/v1/customers/${created.id}`)).status).toBe(404);
  });

  it('answers validation errors with the field at fault', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'x' }, 'externalRef'],
      [{ externalRef: 'v-1' }, 'name'],
      [{ externalRef: 'v-1', name: 'x', emails: ['not-an-email'] }, 'emails'],
      [{ externalRef: 'v-1', name: 'x', timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ externalRef: 'v-1', name: 'x', locale: 'english' }, 'locale'],
      [{ externalRef: 'v-1', name: 'x', status: 'deleted' }, 'status'],
      [{ externalRef: 'v-1', name: 'x', brandId: 'nope' }, 'brandId'],
      [{ externalRef: 'v-1', name: 'x', colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const res = await t.api('POST', '/v1/customers', { body });
      expect([res.status, res.body.code, res.body.field]).toEqual([400, 'validation_failed', field]);
    }
    const c = await customer('v-2');
    expect((await t.api('PATCH', `/v1/customers/${c.id}`, { body: { name: null } })).body).toMatchObject({ field: 'name' });
    expect((await t.api('GET', '/v1/customers/not-a-uuid')).status).toBe(400);
  });

  it('refuses a second customer with the same externalRef: 409 naming the field', async () => {
    const first = await customer('dup-1');
    const again = await t.api('POST', '/v1/customers', { body: { externalRef: 'dup-1', name: 'Again' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'external_ref_taken', field: 'externalRef', message: expect.stringContaining(first.id) });
    const other = await customer('dup-2');
    expect((await t.api('PATCH', `/v1/customers/${other.id}`, { body: { externalRef: 'dup-1' } })).status).toBe(409);
    // Another organization may use the same reference.
    await customer('dup-1', {}, keyB);
  });

  it('assigns a brand of the organization and refuses an unknown or another organization’s brand with 400 on brandId', async () => {
    const brand = await t.api('POST', '/v1/brands', { body: { name: 'Acme Hosting', senderName: 'Acme', senderEmail: 'noreply@acme.example' } });
    expect(brand.status).toBe(201);
    expect((await customer('brand-1', { brandId: brand.body.id })).brandId).toBe(brand.body.id);
    const foreign = await t.api('POST', '/v1/brands', { body: { name: 'B brand', senderName: 'B', senderEmail: 'noreply@b.example' }, key: keyB });
    for (const brandId of [foreign.body.id, '00000000-0000-4000-8000-000000000000']) {
      const res = await t.api('POST', '/v1/customers', { body: { externalRef: `brand-x-${brandId.slice(0, 4)}`, name: 'X', brandId } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ field: 'brandId', message: expect.stringContaining('not a brand of this organization') });
    }
  });

  it('lists with filters and pages with a cursor', async () => {
    await customer('list-1', { name: 'Zebra Hosting', emails: ['ops@zebra.example'], status: 'closed' });
    await customer('list-2', { name: 'Yak Shop' });
    await customer('list-3', { name: 'Xylo', emails: ['admin@zebra-partner.example'] });
    const closed = await t.api('GET', '/v1/customers?status=closed');
    expect(closed.body.data.map((c: { externalRef: string }) => c.externalRef)).toEqual(['list-1']);
    const byRef = await t.api('GET', '/v1/customers?externalRef=list-2');
    expect(byRef.body.data.map((c: { name: string }) => c.name)).toEqual(['Yak Shop']);
    const search = await t.api('GET', '/v1/customers?q=ZEBRA');
    expect(search.body.data.map((c: { externalRef: string }) => c.externalRef).sort()).toEqual(['list-1', 'list-3']);
    expect((await t.api('GET', '/v1/customers?q=100%25')).body.data).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; nextCursor: string | null } } = await t.api('GET', `/v1/customers?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.data.map((c) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const all = await t.api('GET', '/v1/customers?limit=500');
    expect(seen).toEqual(all.body.data.map((c: { id: string }) => c.id));
    expect((await t.api('GET', '/v1/customers?status=gone')).body.field).toBe('status');
  });

  it('creates sites with normalized domains, filters, updates and deletes them', async () => {
    const c = await customer('site-1');
    const res = await t.api('POST', `/v1/customers/${c.id}/sites`, {
      body: { domains: ['HTTPS://Shop.Example.com/cart', 'shop.example.com.'], server: 'web02', accountUser: 'shopuser', vendorSiteIds: ['mx-1'] },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ customerId: c.id, domains: ['shop.example.com'], server: 'web02', accountUser: 'shopuser', vendorSiteIds: ['mx-1'] });
    const id = res.body.id;

    expect((await t.api('GET', `/v1/customers/${c.id}/sites`)).body.data.map((s: { id: string }) => s.id)).toEqual([id]);
    for (const q of [`customerId=${c.id}`, 'domain=Shop.Example.com', 'server=WEB02', 'accountUser=shopuser']) {
      expect((await t.api('GET', `/v1/sites?${q}`)).body.data.map((s: { id: string }) => s.id)).toEqual([id]);
    }
    expect((await t.api('GET', '/v1/sites?domain=nothing.example')).body.data).toEqual([]);

    const patched = await t.api('PATCH', `/v1/sites/${id}`, { body: { domains: ['shop.example.com', 'www.shop.example.com'], accountUser: null } });
    expect(patched.body).toMatchObject({ domains: ['shop.example.com', 'www.shop.example.com'], accountUser: null, server: 'web02' });
    expect((await t.api('GET', `/v1/sites/${id}`)).body.domains).toHaveLength(2);

    expect((await t.api('DELETE', `/v1/sites/${id}`)).status).toBe(204);
    expect((await t.api('GET', `/v1/sites/${id}`)).status).toBe(404);
    // Its keys went with it: the domain is free again.
    expect((await t.api('POST', `/v1/customers/${c.id}/sites`, { body: { domains: ['shop.example.com'] } })).status).toBe(201);
  });

  it('validates sites with the field at fault', async () => {
    const c = await customer('site-2');
    const cases: [Record<string, unknown>, string][] = [
      [{ domains: ['not a domain'] }, 'domains'],
      [{ domains: ['10.0.0.1'] }, 'domains'],
      [{ server: 'web 02', accountUser: 'x' }, 'server'],
      [{ vendorSiteIds: ['a|b'] }, 'vendorSiteIds'],
      [{ server: 'web02' }, 'accountUser'],
      [{}, 'domains'],
    ];
    for (const [body, field] of cases) {
      const res = await t.api('POST', `/v1/customers/${c.id}/sites`, { body });
      expect([res.status, res.body.field]).toEqual([400, field]);
    }
  });

  it('gives each domain, vendor site id and server account to one site only: 409 naming the field and the site', async () => {
    const a = await customer('clash-a');
    const b = await customer('clash-b');
    const held = (await t.api('POST', `/v1/customers/${a.id}/sites`, { body: { domains: ['clash.example'], server: 'web09', accountUser: 'Alice', vendorSiteIds: ['v-9'] } })).body;
    const tries: [Record<string, unknown>, string][] = [
      [{ domains: ['other.example', 'CLASH.example'] }, 'domains'],
      [{ vendorSiteIds: ['v-9'] }, 'vendorSiteIds'],
      [{ server: 'WEB09', accountUser: 'alice' }, 'accountUser'],
    ];
    for (const [body, field] of tries) {
      const res = await t.api('POST', `/v1/customers/${b.id}/sites`, { body });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'site_key_taken', field, message: expect.stringContaining(held.id) });
    }
    // Nothing of the refused sites was written, not even their free domain.
    expect((await t.api('GET', `/v1/customers/${b.id}/sites`)).body.data).toEqual([]);
    expect((await t.api('GET', '/v1/sites?domain=other.example')).body.data).toEqual([]);
    const mine = (await t.api('POST', `/v1/customers/${b.id}/sites`, { body: { domains: ['mine.example'] } })).body;
    expect((await t.api('PATCH', `/v1/sites/${mine.id}`, { body: { domains: ['clash.example'] } })).status).toBe(409);
    expect((await t.api('GET', `/v1/sites/${mine.id}`)).body.domains).toEqual(['mine.example']);
  });

  it('answers 404 for another organization’s customers and sites and never lists them', async () => {
    const c = await customer('iso-1');
    const s = (await t.api('POST', `/v1/customers/${c.id}/sites`, { body: { domains: ['iso.example'] } })).body;
    for (const [method, path, body] of [
      ['GET', `/v1/customers/${c.id}`],
      ['PATCH', `/v1/customers/${c.id}`, { name: 'stolen' }],
      ['DELETE', `/v1/customers/${c.id}`],
      ['GET', `/v1/customers/${c.id}/sites`],
      ['POST', `/v1/customers/${c.id}/sites`, { domains: ['b.example'] }],
      ['GET', `/v1/sites/${s.id}`],
      ['PATCH', `/v1/sites/${s.id}`, { domains: ['b.example'] }],
      ['DELETE', `/v1/sites/${s.id}`],
    ] as [string, string, unknown?][]) {
      expect([method, path, (await t.api(method, path, { key: keyB, body })).status]).toEqual([method, path, 404]);
    }
    expect((await t.api('GET', '/v1/customers?externalRef=iso-1', { key: keyB })).body.data).toEqual([]);
    expect((await t.api('GET', `/v1/sites?customerId=${c.id}`, { key: keyB })).body.data).toEqual([]);
    expect((await t.api('GET', '/v1/sites?domain=iso.example', { key: keyB })).body.data).toEqual([]);
    // Site keys are per organization: the other one may claim the same domain.
    const cb = await customer('iso-1', {}, keyB);
    expect((await t.api('POST', `/v1/customers/${cb.id}/sites`, { key: keyB, body: { domains: ['iso.example'] } })).status).toBe(201);
    expect((await t.api('GET', `/v1/customers/${c.id}`)).body.name).toBe('Customer iso-1');
  });

  it('documents the endpoints in OpenAPI', async () => {
    const doc = (await t.api('GET', '/docs-json', { key: null })).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      '/v1/customers', '/v1/customers/{id}', '/v1/customers/{id}/sites', '/v1/customers/import', '/v1/customers/export', '/v1/sites', '/v1/sites/{id}',
    ]));
    expect(doc.components.schemas.CustomerView.properties).toHaveProperty('timeZone');
    expect(doc.components.schemas.ImportReportView.properties).toHaveProperty('rejected');
  });
});
