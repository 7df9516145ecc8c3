import { startTestApp, TestApp } from './support/test-app';

const ev = (i: number, over: Record<string, unknown> = {}) => ({
  source: 'imunify360', externalId: `scan-1:${i}`, kind: 'detection', severity: 'high', occurredAt: `2026-11-10T0${i % 10}:00:00Z`,
  server: 'web02', accountUser: 'carol', filePath: `/home/carol/public_html/f${i}.php`, ...over,
});

describe('events: push ingestion, queries and stats', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('stores pushed events once: a replay of the same batch creates nothing', async () => {
    const batch = { events: [ev(1), ev(2), ev(3)] };
    const first = await t.api('POST', '/v1/events', { body: batch });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 3, duplicates: 0, rejected: 0 });
    const again = await t.api('POST', '/v1/events', { body: batch });
    expect(again.body).toMatchObject({ created: 0, duplicates: 3, rejected: 0 });
    expect(again.body.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    const listed = await t.api('GET', '/v1/events?source=push:imunify360&limit=100');
    expect(listed.body.data).toHaveLength(3);
  });

  it('takes the same events pushed at once in different orders, each stored once, no push failing', async () => {
    const events = Array.from({ length: 300 }, (_, i) => ev(i, { externalId: `race-${i}` }));
    for (let round = 0; round < 5; round++) {
      const batch = events.map((e) => ({ ...e, externalId: `${e.externalId}-${round}` }));
      const orders = [batch, [...batch].reverse(), [...batch.slice(150), ...batch.slice(0, 150)]];
      const answers = await Promise.all(orders.map((o) => t.api('POST', '/v1/events', { body: { events: o } })));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(answers.reduce((n, a) => n + a.body.created, 0)).toBe(300);
    }
    const [{ n }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM events WHERE external_id LIKE 'race-%'`);
    expect(n).toBe(1500);
  });

  it('answers 207 with per-item results when some items are bad, storing the good ones and keeping the bad ones visible', async () => {
    const res = await t.api('POST', '/v1/events', { body: { events: [ev(10), { ...ev(11), kind: 'meteor' }, ev(12, { occurredAt: 'soon' }), ev(10)] } });
    expect(res.status).toBe(207);
    expect(res.body.results).toEqual([
      expect.objectContaining({ index: 0, status: 'created', id: expect.any(String) }),
      expect.objectContaining({ index: 1, status: 'rejected', field: 'kind' }),
      expect.objectContaining({ index: 2, status: 'rejected', field: 'occurredAt' }),
      expect.objectContaining({ index: 3, status: 'duplicate' }),
    ]);
    const rejected = await t.api('GET', '/v1/rejected-records?source=push:imunify360');
    expect(rejected.body.data.map((r: { reason: string }) => r.reason)).toEqual(
      expect.arrayContaining([expect.stringContaining('kind'), expect.stringContaining('occurredAt')]),
    );
  });

  it('refuses a batch over 1,000 items and a body that is not a batch', async () => {
    const big = await t.api('POST', '/v1/events', { body: { events: Array.from({ length: 1001 }, (_, i) => ev(i)) } });
    expect(big.status).toBe(400);
    expect(big.body).toMatchObject({ field: 'events', message: expect.stringContaining('1,000') });
    expect((await t.api('POST', '/v1/events', { body: { events: 'x' } })).body).toMatchObject({ field: 'events' });
  });

  it('filters events and returns one with its raw payload', async () => {
    await t.api('POST', '/v1/events', { body: { events: [ev(20, { kind: 'cleanup', severity: 'low' }), ev(21, { kind: 'process_killed', severity: 'critical' })] } });
    const cleanups = await t.api('GET', '/v1/events?kind=cleanup');
    expect(cleanups.body.data.map((e: { externalId: string }) => e.externalId)).toEqual(['scan-1:20']);
    const severe = await t.api('GET', '/v1/events?minSeverity=high&limit=100');
    expect(severe.body.data.every((e: { severity: string }) => ['high', 'critical'].includes(e.severity))).toBe(true);
    const ranged = await t.api('GET', '/v1/events?from=2026-11-10T02:00:00Z&to=2026-11-10T03:00:00Z');
    expect(ranged.body.data.map((e: { occurredAt: string }) => e.occurredAt)).toEqual(expect.arrayContaining(['2026-11-10T02:00:00.000Z']));
    expect(ranged.body.data.every((e: { occurredAt: string }) => e.occurredAt.startsWith('2026-11-10T02'))).toBe(true);
    const unmatched = await t.api('GET', '/v1/events?unmatched=true&limit=500');
    expect(unmatched.body.data.length).toBeGreaterThan(0);
    const one = await t.api('GET', `/v1/events/${cleanups.body.data[0].id}`);
    expect(one.body.raw).toMatchObject({ externalId: 'scan-1:20', filePath: '/home/carol/public_html/f20.php' });
    expect((await t.api('GET', '/v1/events?kind=meteor')).body).toMatchObject({ code: 'validation_failed', field: 'kind' });
    expect((await t.api('GET', '/v1/events/999999999')).status).toBe(404);
    expect((await t.api('GET', '/v1/events/not-a-number')).status).toBe(404);
  });

  it('pages events newest first with a cursor, each once', async () => {
    await t.api('POST', '/v1/events', { body: { events: Array.from({ length: 30 }, (_, i) => ev(100 + i, { source: 'maldet' })) } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string; occurredAt: string }[]; nextCursor: string | null } } = await t.api('GET', `/v1/events?source=push:maldet&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.data.map((e) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
  });

  it('counts events per customer by kind, with sites cleaned this month', async () => {
    const [{ id: org }] = await t.db.dataSource.query(`SELECT id FROM organizations WHERE is_default`);
    const [cust] = await t.db.dataSource.query(`INSERT INTO customers (organization_id, external_ref, name) VALUES ($1, 'c-1', 'Carol') RETURNING id`, [org]);
    const [site] = await t.db.dataSource.query(`INSERT INTO sites (organization_id, customer_id, domains, server, account_user) VALUES ($1, $2, '{carol.example}', 'web02', 'carol') RETURNING id`, [org, cust.id]);
    await t.db.dataSource.query(`UPDATE events SET customer_id = $1, site_id = $2 WHERE account_user = 'carol'`, [cust.id, site.id]);
    const stats = await t.api('GET', `/v1/stats?from=2026-11-01T00:00:00Z&to=2026-11-30T00:00:00Z&customerId=${cust.id}`);
    expect(stats.status).toBe(200);
    expect(stats.body.rows).toHaveLength(1);
    expect(stats.body.rows[0]).toMatchObject({ customerId: cust.id, sitesCleaned: 1 });
    expect(stats.body.rows[0].counts.cleanup).toBe(1);
    expect(stats.body.rows[0].counts.process_killed).toBe(1);
    expect(stats.body.sitesCleanedThisMonth).toBe(1);
    const bySite = await t.api('GET', `/v1/stats?groupBy=site&from=2026-11-01T00:00:00Z&to=2026-11-30T00:00:00Z`);
    expect(bySite.body.rows.find((r: { siteId: string }) => r.siteId === site.id)).toBeTruthy();
    expect((await t.api('GET', '/v1/stats?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z')).body).toMatchObject({ field: 'from' });
  });
});
