import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { PurgeOldEvents } from '../src/events/purge-events.job';
import { JobContext } from '../src/jobs/job';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const CLEANING = ['cleanup', 'quarantine', 'file_deleted', 'process_killed', 'process_blocked'];

// GET /v1/customers/:id/counters reads a rollup kept by ingestion (src/counters/); it must state what /v1/stats
// and a direct count of the events state, also after the events were matched later, purged, or the time zone changed.
describe('customer counters: a rollup equal to /v1/stats and to the events', () => {
  let t: TestApp;
  let customer: string;
  let other: string;
  let monthStart: Date;

  const push = async (events: Record<string, unknown>[]) => {
    const res = await t.api('POST', '/v1/events', { body: { events: events.map((e, i) => ({ source: 'counters', externalId: `${Date.now()}-${i}-${Math.random()}`, ...e })) } });
    expect(res.body).toMatchObject({ rejected: 0 });
  };

  // The counters, what /v1/stats says for this and last month, and a direct count on events, in one shape.
  async function figures(id: string) {
    const res = await t.api('GET', `/v1/customers/${id}/counters`);
    expect(res.status).toBe(200);
    const c = res.body;
    const now = (await t.api('GET', `/v1/stats?customerId=${id}`)).body;
    const last = (await t.api('GET', `/v1/stats?customerId=${id}&to=${encodeURIComponent(now.from)}`)).body;
    const row = (s: any) => s.rows.find((r: any) => r.customerId === id) ?? { counts: {}, threats: { outstanding: 0 } };
    const cleanups = (s: any) => CLEANING.reduce((n, k) => n + (row(s).counts[k] ?? 0), 0);
    const [direct] = await t.db.dataSource.query(
      `WITH b AS (SELECT c.id, date_trunc('month', now() AT TIME ZONE c.time_zone) AT TIME ZONE c.time_zone AS this_start,
                         (date_trunc('month', now() AT TIME ZONE c.time_zone) - interval '1 month') AT TIME ZONE c.time_zone AS last_start
                  FROM customers c WHERE c.id = $1),
            e AS (SELECT e.*, (e.occurred_at >= b.this_start) AS this FROM events e, b WHERE e.customer_id = b.id AND e.occurred_at >= b.last_start AND e.occurred_at < now())
       SELECT count(*) FILTER (WHERE this AND kind = 'detection')::int AS dt, count(*) FILTER (WHERE NOT this AND kind = 'detection')::int AS dl,
              count(*) FILTER (WHERE this AND kind = ANY($2))::int AS ct, count(*) FILTER (WHERE NOT this AND kind = ANY($2))::int AS cl,
              count(DISTINCT site_id) FILTER (WHERE this AND kind = ANY($2))::int AS sites,
              (SELECT count(*) FROM (SELECT DISTINCT ON (site_id, coalesce(file_path, process, threat_name, '')) kind FROM e
                 WHERE this AND kind IN ('detection','cleanup','quarantine','file_deleted','file_restored','process_killed','process_blocked')
                 ORDER BY site_id, coalesce(file_path, process, threat_name, ''), occurred_at DESC, id DESC) x WHERE kind IN ('detection', 'file_restored'))::int AS open
       FROM e`,
      [id, CLEANING],
    );
    const shape = (sites: number, open: number, dt: number, dl: number, ct: number, cl: number) => ({
      sitesCleanedThisMonth: sites, openThreats: open, detections: { thisMonth: dt, lastMonth: dl }, cleanups: { thisMonth: ct, lastMonth: cl },
    });
    return {
      counters: shape(c.sitesCleanedThisMonth, c.openThreats, c.detections.thisMonth, c.detections.lastMonth, c.cleanups.thisMonth, c.cleanups.lastMonth),
      stats: shape(now.sitesCleanedThisMonth, row(now).threats.outstanding, row(now).counts.detection ?? 0, row(last).counts.detection ?? 0, cleanups(now), cleanups(last)),
      direct: shape(direct.sites, direct.open, direct.dt, direct.dl, direct.ct, direct.cl),
      body: c,
    };
  }

  async function expectAgree(id: string) {
    const f = await figures(id);
    expect(f.counters).toEqual(f.stats);
    expect(f.counters).toEqual(f.direct);
    return f;
  }

  beforeAll(async () => {
    t = await startTestApp();
    const c = await t.api('POST', '/v1/customers', { body: { externalRef: 'cnt-1', name: 'Kiwi Hosting', timeZone: 'Pacific/Auckland' } });
    customer = c.body.id;
    for (const domain of ['a.example', 'b.example']) expect((await t.api('POST', `/v1/customers/${customer}/sites`, { body: { domains: [domain] } })).status).toBe(201);
    other = (await t.api('POST', '/v1/customers', { body: { externalRef: 'cnt-2', name: 'Other', timeZone: 'UTC' } })).body.id;
    await t.api('POST', `/v1/customers/${other}/sites`, { body: { domains: ['other.example'] } });
    monthStart = new Date((await t.api('GET', `/v1/stats?customerId=${customer}`)).body.from);
  });
  afterAll(() => t.close());

  // k/10 of the way from the start of the customer's month to now: inside this month whatever today's date.
  const at = (k: number) => new Date(monthStart.getTime() + ((Date.now() - monthStart.getTime()) * k) / 10).toISOString();
  const before = (ms: number) => new Date(monthStart.getTime() - ms).toISOString();

  it('counts new events as they are stored: sites cleaned, open threats, detections and cleanups, this and last month', async () => {
    await push([
      { kind: 'detection', domain: 'a.example', filePath: '/a/x.php', occurredAt: at(1) },
      { kind: 'cleanup', domain: 'a.example', filePath: '/a/x.php', occurredAt: at(2) }, // cleaned
      { kind: 'detection', domain: 'b.example', filePath: '/b/y.php', occurredAt: at(3) }, // open
      { kind: 'cleanup', domain: 'b.example', filePath: '/b/z.php', occurredAt: at(1) },
      { kind: 'file_restored', domain: 'b.example', filePath: '/b/z.php', occurredAt: at(4) }, // open again, b still cleaned this month
      { kind: 'process_killed', domain: 'a.example', process: 'xmrig', occurredAt: at(5) },
      { kind: 'detection', domain: 'b.example', filePath: '/b/old.php', occurredAt: before(60_000) }, // last month
      { kind: 'quarantine', domain: 'a.example', filePath: '/a/old.php', occurredAt: before(3 * 86_400_000) }, // last month
      { kind: 'detection', domain: 'other.example', filePath: '/o.php', occurredAt: at(2) }, // another customer
      { kind: 'detection', domain: 'nobody.example', filePath: '/n.php', occurredAt: at(2) }, // unmatched
    ]);
    // written by the insert itself: nothing waits for a rebuild
    expect(await t.db.dataSource.query('SELECT * FROM customer_counters_stale WHERE customer_id = $1', [customer])).toEqual([]);
    const f = await expectAgree(customer);
    expect(f.counters).toEqual({ sitesCleanedThisMonth: 2, openThreats: 2, detections: { thisMonth: 2, lastMonth: 1 }, cleanups: { thisMonth: 3, lastMonth: 1 } });
    expect(f.body).toMatchObject({ customerId: customer, timeZone: 'Pacific/Auckland', protectedSites: 2, month: expect.stringMatching(/^\d{4}-\d{2}$/) });
    await expectAgree(other);
  });

  it('follows events matched later (rematch), purged by retention, and a new time zone', async () => {
    await push([
      { kind: 'detection', domain: 'later.example', filePath: '/l/1.php', occurredAt: at(6) },
      { kind: 'cleanup', domain: 'later.example', filePath: '/l/2.php', occurredAt: at(7) },
    ]);
    const site = await t.api('POST', `/v1/customers/${customer}/sites`, { body: { domains: ['later.example'] } });
    await waitFor(
      () => t.db.dataSource.query(`SELECT count(*)::int AS n FROM events WHERE site_id = $1`, [site.body.id]),
      (r: { n: number }[]) => r[0].n === 2, 'the rematch of later.example', 15_000,
    );
    const matched = await expectAgree(customer);
    expect(matched.counters).toMatchObject({ sitesCleanedThisMonth: 3, detections: { thisMonth: 3 } });

    // retention: two of this month's events were received long ago
    await t.db.dataSource.query(`UPDATE events SET received_at = now() - interval '1000 days' WHERE site_id = $1`, [site.body.id]);
    const ctx = { jobId: 'test', attempt: 0, signal: new AbortController().signal, batch: [] } as JobContext<Record<string, never>>;
    await t.app.get(PurgeOldEvents).handle({}, ctx);
    const purged = await expectAgree(customer);
    expect(purged.counters).toEqual({ sitesCleanedThisMonth: 2, openThreats: 2, detections: { thisMonth: 2, lastMonth: 1 }, cleanups: { thisMonth: 3, lastMonth: 1 } });

    // Los Angeles' month starts later than Auckland's: part of "this month" moves to the month before
    expect((await t.api('PATCH', `/v1/customers/${customer}`, { body: { timeZone: 'America/Los_Angeles' } })).status).toBe(200);
    const moved = await expectAgree(customer);
    expect(moved.body.timeZone).toBe('America/Los_Angeles');
    expect(await t.db.dataSource.query('SELECT * FROM customer_counters_stale WHERE customer_id = $1', [customer])).toEqual([]);
  });

  it('stays exact under concurrent pushes touching the same rollup rows', async () => {
    const batch = (n: number) => Array.from({ length: 40 }, (_, i) => ({
      kind: ['detection', 'cleanup', 'quarantine', 'file_restored'][(i + n) % 4], domain: (i + n) % 2 ? 'a.example' : 'other.example',
      filePath: `/c/${i % 7}.php`, occurredAt: at(1 + ((i * 7 + n) % 9)),
    }));
    await Promise.all(Array.from({ length: 8 }, (_, n) => push(n % 2 ? batch(n) : batch(n).reverse())));
    await expectAgree(customer);
    await expectAgree(other);
  });

  it('counts a site as protected unless its latest protection change turned protection off', async () => {
    await push([{ kind: 'protection_changed', vendorType: 'protection_disabled', domain: 'b.example', occurredAt: at(8) }]);
    expect((await t.api('GET', `/v1/customers/${customer}/counters`)).body.protectedSites).toBe(2); // a and later, not b
  });

  it("answers 404 for another organization's customer and for an unknown one", async () => {
    const orgB = await t.app.get(OrganizationsService).create('Other Hosting Ltd');
    const keyB = (await t.app.get(ApiKeysService).create(orgB.id, 'b-admin', ['admin'])).key;
    expect((await t.api('GET', `/v1/customers/${customer}/counters`, { key: keyB })).status).toBe(404);
    expect((await t.api('GET', `/v1/customers/00000000-0000-4000-8000-000000000000/counters`)).status).toBe(404);
    expect((await t.api('GET', `/v1/customers/nope/counters`)).status).toBe(400);
  });

  it("follows a site's deletion (its events unmatched) and a customer's", async () => {
    const before = await expectAgree(customer);
    const sites = (await t.api('GET', `/v1/customers/${customer}/sites?limit=500`)).body.data as { id: string; domains: string[] }[];
    const b = sites.find((x) => x.domains.includes('b.example'))!;
    expect((await t.api('DELETE', `/v1/sites/${b.id}`)).status).toBe(204);
    const after = await expectAgree(customer);
    expect(after.counters).not.toEqual(before.counters);
    expect((await t.api('DELETE', `/v1/customers/${other}`)).status).toBe(204);
    expect(await t.db.dataSource.query('SELECT count(*)::int AS n FROM customer_counters WHERE customer_id = $1', [other])).toEqual([{ n: 0 }]);
  });
});
