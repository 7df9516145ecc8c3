import { startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { sleep, waitFor } from './support/wait';
import { WebhookReceiver } from './support/webhook-receiver';

// The rate limit's "minute" is DELIVERY_RATE_WINDOW_SECONDS long: 3 s here, so that three windows take seconds.
const WINDOW_MS = 3000;
const ENV = { DELIVERY_RATE_WINDOW_SECONDS: String(WINDOW_MS / 1000), DELIVERY_RETRY_SCHEDULE: '60', RATE_LIMIT_PER_MINUTE: '10000' };
// Between its slot and its arrival a send takes its own time (the worker's poll, signing, HTTP): arrivals may come
// closer together than their slots by that much.
const JITTER_MS = 400;

describe('destinations: rate limit per destination, held across two replicas', () => {
  let receiver: WebhookReceiver;
  let databaseUrl: string;
  let a: TestApp;
  let b: TestApp;
  let seq = 0;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    databaseUrl = await createTestDatabase();
    a = await startTestApp(ENV, { databaseUrl });
    b = await startTestApp(ENV, { databaseUrl });
    const c = await a.api('POST', '/v1/customers', { body: { externalRef: 'rl', name: 'Customer rl', emails: ['it@rl.example'] } });
    await a.api('POST', `/v1/customers/${c.body.id}/sites`, { body: { domains: ['rl.example'] } });
  });
  afterAll(async () => {
    await Promise.all([b.close(), a.close()]);
    await receiver.stop();
    await dropTestDatabase(databaseUrl);
  });

  const events = (n: number) => Array.from({ length: n }, () => ({
    source: 'scanner', externalId: `rl-${seq++}`, kind: 'detection', severity: 'high', occurredAt: '2026-11-20T16:05:00Z', domain: 'rl.example',
  }));

  it('a burst to a destination limited to 6 per window: 6 at once, the rest a window later each, from both replicas, nothing dropped', async () => {
    const path = '/helpdesk';
    const created = await a.api('POST', '/v1/destinations', {
      body: { kind: 'webhook', name: 'Helpdesk', config: { url: receiver.url(path) }, eventTypes: ['security_event.created'], rateLimitPerMinute: 6 },
    });
    expect(created.status).toBe(201);
    expect(created.body.rateLimitPerMinute).toBe(6);
    const d = created.body;
    const started = Date.now();
    // 18 events, half through each replica at once: both replicas' workers send.
    const [ra, rb] = await Promise.all([a.api('POST', '/v1/events', { body: { events: events(9) } }), b.api('POST', '/v1/events', { body: { events: events(9) } })]);
    expect(ra.body.created + rb.body.created).toBe(18);

    const got = await waitFor(async () => receiver.at(path), (r) => r.length >= 18, 'all 18 delivered', 20_000);
    await sleep(500);
    expect(receiver.at(path)).toHaveLength(18);
    const ids = got.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(18);
    for (const r of got) expect(WebhookReceiver.verify(r, d.signingSecret)).toMatchObject({ type: 'security_event.created' });

    const at = got.map((r) => r.receivedAt).sort((x, y) => x - y);
    // the first window's six came at once; the seventh not before a window later, the thirteenth not before two
    expect(at[5] - started).toBeLessThan(WINDOW_MS - JITTER_MS);
    expect(at[6] - at[0]).toBeGreaterThanOrEqual(WINDOW_MS - JITTER_MS);
    expect(at[12] - at[0]).toBeGreaterThanOrEqual(2 * WINDOW_MS - JITTER_MS);
    // never more than 6 in any window
    for (let i = 0; i + 6 < at.length; i++) expect(at[i + 6] - at[i]).toBeGreaterThanOrEqual(WINDOW_MS - JITTER_MS);
    // and no faster than the limit allows: three windows for 18
    expect(at[17] - at[0]).toBeLessThan(3 * WINDOW_MS + 2000);

    const rows: { status: string; owner: string; attempts: number }[] = await a.db.dataSource.query(
      `SELECT status, lease_owner AS owner, attempts FROM deliveries WHERE destination_id = $1`, [d.id]);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(rows.map(() => ['delivered', 1]));
    expect(new Set(rows.map((r) => r.owner)).size).toBe(2); // both replicas sent, under the one limit
  });

  it('an unlimited destination takes a burst at once', async () => {
    const path = '/portal';
    const created = await a.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: 'Portal', config: { url: receiver.url(path) }, eventTypes: ['security_event.created'] } });
    expect(created.body.rateLimitPerMinute).toBeNull();
    const started = Date.now();
    await a.api('POST', '/v1/events', { body: { events: events(12) } });
    const got = await waitFor(async () => receiver.at(path), (r) => r.length >= 12 + 0, '12 delivered');
    // The helpdesk above gets these too, at its own pace; the portal is not held back by it.
    expect(Math.max(...got.map((r) => r.receivedAt)) - started).toBeLessThan(WINDOW_MS);
  });

  it('validates the limit, and PATCH sets or lifts it', async () => {
    for (const bad of [0, -1, 6001, 1.5, 'sixty']) {
      const res = await a.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: 'x', config: { url: receiver.url('/x') }, rateLimitPerMinute: bad } });
      expect([bad, res.status, res.body.field]).toEqual([bad, 400, 'rateLimitPerMinute']);
    }
    const d = (await a.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: 'x', config: { url: receiver.url('/x') } } })).body;
    const limited = await a.api('PATCH', `/v1/destinations/${d.id}`, { body: { rateLimitPerMinute: 60 } });
    expect([limited.status, limited.body.rateLimitPerMinute]).toEqual([200, 60]);
    const lifted = await a.api('PATCH', `/v1/destinations/${d.id}`, { body: { rateLimitPerMinute: null } });
    expect(lifted.body.rateLimitPerMinute).toBeNull();
  });
});
