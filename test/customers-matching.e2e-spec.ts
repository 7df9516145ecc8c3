import { EventMatcher } from '../src/customers/event-matcher';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface EventRow {
  id: string;
  customer_id: string | null;
  site_id: string | null;
  match_rule: string | null;
}

describe('customers: events resolve to customers through sites', () => {
  let t: TestApp;
  let orgId: string;
  let n = 0;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000' });
    orgId = (await t.api('GET', '/v1/organization')).body.id;
  });
  afterAll(() => t.close());

  const insertEvent = async (e: { server?: string; accountUser?: string; domain?: string; vendorSiteId?: string }): Promise<string> => {
    const [row] = await t.db.dataSource.query(
      `INSERT INTO events (organization_id, source, external_id, kind, vendor_type, occurred_at, raw, server, account_user, domain, vendor_site_id)
       VALUES ($1, 'push:test', $2, 'detection', 'malware', now(), '{}', $3, $4, $5, $6) RETURNING id`,
      [orgId, `ev-${++n}`, e.server ?? null, e.accountUser ?? null, e.domain ?? null, e.vendorSiteId ?? null],
    );
    return String(row.id);
  };
  const eventRow = async (id: string): Promise<EventRow> => (await t.db.dataSource.query(`SELECT id, customer_id, site_id, match_rule FROM events WHERE id = $1`, [id]))[0];
  const matched = (id: string) => waitFor(() => eventRow(id), (r) => r.customer_id !== null, `event ${id} to be matched`, 10_000);
  const customer = async (externalRef: string) => (await t.api('POST', '/v1/customers', { body: { externalRef, name: externalRef } })).body;
  const site = async (customerId: string, body: Record<string, unknown>) => {
    const res = await t.api('POST', `/v1/customers/${customerId}/sites`, { body });
    expect(res.status).toBe(201);
    return res.body;
  };

  it('matches an unmatched event once the operator adds its site (server + account)', async () => {
    const id = await insertEvent({ server: 'web07', accountUser: 'dave' });
    expect(await eventRow(id)).toMatchObject({ customer_id: null, site_id: null, match_rule: null });
    const c = await customer('m-1');
    const s = await site(c.id, { server: 'WEB07', accountUser: 'Dave' });
    expect(await matched(id)).toMatchObject({ customer_id: c.id, site_id: s.id, match_rule: 'server_account' });
  });

  it('matches by www. and by parent domain, and through a CSV import', async () => {
    const www = await insertEvent({ domain: 'www.bakery.example' });
    const sub = await insertEvent({ domain: 'blog.shop.bakery.example', server: 'web08', accountUser: 'zed' });
    const c = await customer('m-2');
    const s = await site(c.id, { domains: ['bakery.example'] });
    expect(await matched(www)).toMatchObject({ site_id: s.id, match_rule: 'www' });
    expect(await matched(sub)).toMatchObject({ site_id: s.id, match_rule: 'subdomain' });

    const viaCsv = await insertEvent({ domain: 'florist.example' });
    const res = await t.api('POST', '/v1/customers/import', {
      raw: 'external_ref,name,domains\nm-3,Florist,florist.example\n', headers: { 'content-type': 'text/csv' },
    });
    expect(res.body).toMatchObject({ created: 1, sitesCreated: 1 });
    expect(await matched(viaCsv)).toMatchObject({ match_rule: 'domain' });
  });

  it('prefers vendor site id over domain, and exact domain over parent domain', async () => {
    const a = await customer('m-4');
    const b = await customer('m-5');
    const byVsid = await site(a.id, { vendorSiteIds: ['mx-77'] });
    const byParent = await site(b.id, { domains: ['parent.example'] });
    const exact = await site(a.id, { domains: ['exact.parent.example'] });
    const matcher = t.app.get(EventMatcher);
    const e1 = await insertEvent({ domain: 'parent.example', vendorSiteId: 'mx-77' });
    const e2 = await insertEvent({ domain: 'exact.parent.example' });
    const e3 = await insertEvent({ domain: 'other.parent.example' });
    // The rematch job that the new sites queued may match some of them first (it is woken at once): the rows are what counts.
    await t.db.transaction((em) =>
      matcher.match(em, orgId, [e1, e2, e3].map((id, i) => ({ id, domain: ['parent.example', 'exact.parent.example', 'other.parent.example'][i], server: null, accountUser: null, vendorSiteId: i === 0 ? 'mx-77' : null }))),
    );
    expect(await eventRow(e1)).toMatchObject({ site_id: byVsid.id, match_rule: 'vendor_site_id' });
    expect(await eventRow(e2)).toMatchObject({ site_id: exact.id, match_rule: 'domain' });
    expect(await eventRow(e3)).toMatchObject({ site_id: byParent.id, customer_id: b.id, match_rule: 'subdomain' });
  });

  it('matches a batch of 1,000 events in one statement, quickly', async () => {
    const c = await customer('m-6');
    await site(c.id, { domains: ['bulk.example'] });
    const ids: string[] = (
      await t.db.dataSource.query(
        `INSERT INTO events (organization_id, source, external_id, kind, vendor_type, occurred_at, raw, domain, server, account_user)
         SELECT $1, 'push:bulk', 'b-' || i, 'detection', 'malware', now(), '{}', 'host' || i || '.bulk.example', 'web' || (i % 9), 'u' || i
         FROM generate_series(1, 1000) i RETURNING id`,
        [orgId],
      )
    ).map((r: { id: string }) => String(r.id));
    const events = ids.map((id, i) => ({ id, domain: `host${i + 1}.bulk.example`, server: `web${(i + 1) % 9}`, accountUser: `u${i + 1}`, vendorSiteId: null }));
    const started = Date.now();
    const count = await t.db.transaction((em) => t.app.get(EventMatcher).match(em, orgId, events));
    expect(count).toBe(1000);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('unmatches the events of a deleted site and matches them again to the site that now claims them', async () => {
    const a = await customer('m-7');
    const b = await customer('m-8');
    const child = await site(a.id, { domains: ['docs.lib.example'] });
    const parent = await site(b.id, { domains: ['lib.example'] });
    const id = await insertEvent({ domain: 'docs.lib.example' });
    await t.db.transaction((em) => t.app.get(EventMatcher).match(em, orgId, [{ id, domain: 'docs.lib.example', server: null, accountUser: null, vendorSiteId: null }]));
    expect(await eventRow(id)).toMatchObject({ site_id: child.id, match_rule: 'domain' });
    expect((await t.api('DELETE', `/v1/sites/${child.id}`)).status).toBe(204);
    expect(await waitFor(() => eventRow(id), (r) => r.site_id === parent.id, 'the event to move to the parent site', 10_000)).toMatchObject({
      customer_id: b.id, match_rule: 'subdomain',
    });
  });
});
