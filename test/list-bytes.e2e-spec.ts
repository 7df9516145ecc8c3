import { CustomerQuery } from '../src/customers/customers.dto';
import { SiteQuery } from '../src/customers/sites.dto';
import { DeliveryQuery } from '../src/deliveries/deliveries.dto';
import { DigestQuery } from '../src/digests/digests.dto';
import { EventQuery } from '../src/events/events.dto';
import { PageQuery } from '../src/api/pagination';
import { Database } from '../src/db/database';
import {
  dtoOf, referenceCustomers, referenceCustomerSites, referenceDeliveries, referenceDigests, referenceEvents, referenceSites,
} from './support/list-reference';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

// The list endpoints' JSON is written by PostgreSQL (src/api/json-page.ts): every page must be the very bytes the
// entity path (rows → views → JSON.stringify, kept in support/list-reference.ts) answered for the same data.
const ODD = ['Zoë "quoted" \\ back\\slash', 'tab\there\nnew line\r', 'ctl \u0001\u001f\u007f', 'line sep \u2028 para \u2029', '日本語 😀 🏳️‍🌈', "it's </script>"];

describe('list endpoints: byte-identical JSON from PostgreSQL', () => {
  let t: TestApp;
  let org: string;
  const customers: string[] = [];
  const sites: string[] = [];

  // GETs path with the API and every following page by its cursor, comparing each page with the reference's bytes.
  async function walk(path: string, params: Record<string, string>, reference: (db: Database, q: any) => Promise<string>, type: new () => object) {
    let pages = 0;
    let cursor: string | undefined;
    do {
      const p = { ...params, ...(cursor ? { cursor } : {}) };
      const res = await fetch(`${t.baseUrl}${path}?${new URLSearchParams(p)}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      const body = await res.text();
      expect({ path, p, status: res.status }).toEqual({ path, p, status: 200 });
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const expected = await reference(t.db, await dtoOf(type, p));
      expect(body).toBe(expected);
      cursor = (JSON.parse(body) as { nextCursor: string | null }).nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 50);
    return pages;
  }

  beforeAll(async () => {
    t = await startTestApp();
    [{ id: org }] = await t.db.dataSource.query(`SELECT id FROM organizations WHERE is_default`);
    for (const [i, name] of ODD.entries()) {
      const c = await t.api('POST', '/v1/customers', {
        body: { externalRef: `ref-${i}-${name.slice(0, 3)}`, name, emails: i % 2 ? [] : [`a${i}@example.com`, `b${i}@example.org`], timeZone: i % 2 ? 'Europe/Berlin' : 'UTC', locale: 'de' },
      });
      expect(c.status).toBe(201);
      customers.push(c.body.id);
      const s = await t.api('POST', `/v1/customers/${c.body.id}/sites`, {
        body: { domains: [`site${i}.example`, `www.site${i}.example`], ...(i % 3 ? { server: `web${i}.example`, accountUser: `user${i}` } : {}), vendorSiteIds: i % 2 ? [`vs-${i}`] : [] },
      });
      expect(s.status).toBe(201);
      sites.push(s.body.id);
    }
    // Pushed events (matched to the sites above, or not), with odd text and optional fields left out.
    const pushed = Array.from({ length: 30 }, (_, i) => ({
      source: 'bytes', externalId: `ev-${i}-${ODD[i % ODD.length]}`, kind: ['detection', 'cleanup', 'process_killed'][i % 3],
      ...(i % 4 ? { severity: ['low', 'medium', 'high', 'critical'][i % 4] } : {}),
      occurredAt: new Date(Date.UTC(2026, 10, 1, 0, 0, 0, 7) + (i % 10) * 3_600_000).toISOString(), // ties on occurredAt: ordered by id
      ...(i % 5 ? { domain: `site${i % ODD.length}.example` } : { server: `WEB${i}.example`, accountUser: `nobody${i}` }),
      ...(i % 2 ? { filePath: `/home/u/${ODD[i % ODD.length]}.php`, threatName: ODD[(i + 1) % ODD.length], fileHash: 'ab'.repeat(32) } : {}),
    }));
    const res = await t.api('POST', '/v1/events', { body: { events: pushed } });
    expect(res.body).toMatchObject({ created: 30, rejected: 0 });
    // Written directly: microseconds (the API truncates them to milliseconds), years before 1000, every nullable column null.
    await t.db.dataSource.query(
      `INSERT INTO events (organization_id, source, external_id, kind, vendor_type, severity_rank, occurred_at, received_at, raw)
       VALUES ($1, 'sql', 'us-1', 'detection', 'file', 0, '2026-11-05 10:11:12.999999+00', '2026-11-05 10:11:13.000500+00', '{}'),
              ($1, 'sql', 'us-2', 'detection', 'f\\"ile', 0, '2026-11-05 10:11:12.000001+00', '2026-11-05 10:11:12.1+00', '{}'),
              ($1, 'sql', 'old', 'cleanup', 'file', 0, '0999-01-02 03:04:05.678+00', now(), '{}')`,
      [org],
    );
    // Digests and deliveries as their pipelines write them, with jsonb that jsonb's own text would not give back as
    // JSON.stringify does (spaces, 1.50, integer-like keys ordered first by a JS object, nested arrays, unicode).
    const odd = JSON.stringify({ zeta: 1.5, '10': 'ten', '2': [1, 2.25, null, true, { 'ü': ODD[0] }], empty: {}, list: [], s: ODD[4], big: 12345678901234 });
    for (const [i, c] of customers.entries()) {
      await t.db.dataSource.query(
        `INSERT INTO digests (organization_id, customer_id, cadence, period_start, period_end, scheduled_at, status, late, attempts, last_error,
                              failure_kind, message_id, sent_at, recipients, rejected, subject, counts, created_at)
         VALUES ($1, $2, 'weekly', '2026-11-02 00:00:00+00'::timestamptz - make_interval(days => $3 * 7), '2026-11-09 00:00:00+00', '2026-11-09 06:00:00.123456+00',
                 $4, $5, $3, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, '2026-11-09 06:00:00+00'::timestamptz + make_interval(secs => $3))`,
        [org, c, i, ['sent', 'failed', 'pending'][i % 3], i % 2 === 0, i % 3 === 1 ? ODD[i] : null, i % 3 === 1 ? 'permanent' : null,
          i % 3 === 0 ? `<${i}@hostdigest>` : null, i % 3 === 0 ? '2026-11-09 06:00:01.5+00' : null, [`a${i}@example.com`], i % 2 ? [ODD[i]] : [],
          i % 3 === 0 ? ODD[i] : null, i % 3 === 2 ? null : i % 3 === 1 ? odd : JSON.stringify({ events: 3, detections: 1, threats: 2, cleaned: 1, outstanding: 1, sites: 1, sitesAffected: 1 })],
      );
      for (const [j, status] of ['pending', 'delivered', 'failed', 'dead', 'held'].entries()) {
        await t.db.dataSource.query(
          `INSERT INTO deliveries (organization_id, customer_id, destination, cause_type, cause_id, dedupe_key, payload, status, attempts,
                                   next_attempt_at, last_error, created_at, delivered_at, replay_requested_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, '2026-11-09 07:00:00.5+00', $10,
                   '2026-11-09 07:00:00+00'::timestamptz + make_interval(secs => $9 * 10 + $11), $12, $13)`,
          [org, j === 4 ? null : c, j % 2 ? 'webhook' : 'email', j % 2 ? 'portal.counters' : 'event.urgent', `cause-${i}-${j}`, `d-${i}-${j}`,
            j === 2 ? odd : JSON.stringify({ to: [`a${i}@example.com`], subject: ODD[(i + j) % ODD.length], n: j }), status, j, status === 'failed' ? ODD[i] : null, i,
            status === 'delivered' ? '2026-11-09 07:00:01.25+00' : null, j === 3 ? 'api-key:admin' : null],
        );
      }
    }
  });
  afterAll(() => t.close());

  it('GET /v1/events: every filter, small pages to the last one, and empty pages', async () => {
    const cases: Record<string, string>[] = [
      {}, { limit: '7' }, { limit: '500' }, { limit: '1' }, { source: 'push:bytes', limit: '4' }, { kind: 'cleanup,process_killed', limit: '5' },
      { severity: 'high', limit: '3' }, { minSeverity: 'medium', limit: '6' }, { from: '2026-11-01T02:00:00Z', to: '2026-11-01T05:00:00.007Z', limit: '2' },
      { unmatched: 'true', limit: '3' }, { unmatched: 'false', limit: '4' }, { server: 'web5.example', limit: '2' }, { customerId: customers[1], limit: '2' },
      { siteId: sites[2], limit: '1' }, { kind: 'agent_status' }, { customerId: '00000000-0000-4000-8000-000000000000' },
    ];
    let pages = 0;
    for (const c of cases) pages += await walk('/v1/events', c, (db, q) => referenceEvents(db, org, q), EventQuery);
    expect(pages).toBeGreaterThan(40);
  });

  it('GET /v1/customers, /v1/sites and /v1/customers/:id/sites', async () => {
    for (const c of <Record<string, string>[]>[{}, { limit: '2' }, { q: 'zoë', limit: '1' }, { q: '%' }, { status: 'active', limit: '4' }, { externalRef: 'ref-1-tab' }, { q: 'no such' }]) {
      await walk('/v1/customers', c, (db, q) => referenceCustomers(db, org, q), CustomerQuery);
    }
    for (const c of <Record<string, string>[]>[{}, { limit: '2' }, { customerId: customers[3] }, { domain: 'WWW.site2.example' }, { server: 'WEB4.example' }, { accountUser: 'User5' }, { domain: 'none.example' }]) {
      await walk('/v1/sites', c, (db, q) => referenceSites(db, org, q), SiteQuery);
    }
    await walk(`/v1/customers/${customers[0]}/sites`, { limit: '1' }, (db, q) => referenceCustomerSites(db, org, customers[0], q), PageQuery);
  });

  it('GET /v1/digests and /v1/deliveries, jsonb fields included', async () => {
    for (const c of <Record<string, string>[]>[{}, { limit: '2' }, { status: 'failed' }, { cadence: 'weekly', from: '2026-10-20T00:00:00Z', to: '2026-11-02T00:00:00.001Z' }, { customerId: customers[1] }, { cadence: 'daily' }]) {
      await walk('/v1/digests', c, (db, q) => referenceDigests(db, org, q), DigestQuery);
    }
    for (const c of <Record<string, string>[]>[{}, { limit: '3' }, { status: 'failed' }, { destination: 'webhook', limit: '4' }, { causeType: 'portal.counters', causeId: 'cause-2-1' }, { customerId: customers[4] }, { status: 'held', limit: '2' }]) {
      await walk('/v1/deliveries', c, (db, q) => referenceDeliveries(db, org, q), DeliveryQuery);
    }
  });

  it("shows another organization none of these rows, nor pages through them with this one's cursors", async () => {
    const orgB = await t.app.get(OrganizationsService).create('Other Hosting Ltd');
    const keyB = (await t.app.get(ApiKeysService).create(orgB.id, 'b-admin', ['admin'])).key;
    for (const path of ['/v1/events', '/v1/customers', '/v1/sites', '/v1/digests', '/v1/deliveries']) {
      const mine = await t.api('GET', `${path}?limit=1`);
      expect(mine.body.data).toHaveLength(1);
      expect(mine.body.nextCursor).toEqual(expect.any(String));
      for (const q of ['limit=500', `cursor=${mine.body.nextCursor}`]) {
        const theirs = await t.api('GET', `${path}?${q}`, { key: keyB });
        expect({ path, status: theirs.status, body: theirs.body }).toEqual({ path, status: 200, body: { data: [], nextCursor: null } });
      }
    }
    expect((await t.api('GET', `/v1/customers/${customers[0]}/sites`, { key: keyB })).status).toBe(404);
  });

  it('answers a cursor it did not give as before: 400 naming cursor, or an empty page for an id that is gone', async () => {
    for (const path of ['/v1/events', '/v1/customers', '/v1/sites', '/v1/digests', '/v1/deliveries']) {
      const bad = await t.api('GET', `${path}?cursor=${Buffer.from('k1:nope').toString('base64url')}`);
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ field: 'cursor' });
    }
    const gone = Buffer.from('k1:999999999').toString('base64url');
    await walk('/v1/events', { cursor: gone }, (db, q) => referenceEvents(db, org, q), EventQuery);
  });
});
