import { customerWithSites, fixClock, insertEvents, ledger, orgId, subscribe } from './support/digest-fixtures';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { sleep, waitFor } from './support/wait';
import { WebhookReceiver } from './support/webhook-receiver';

// digest.sent and portal.counters, received by a real receiver that verifies with the standardwebhooks package.
describe('event subscriptions: digest.sent and portal.counters', () => {
  const WINDOW = 3; // PORTAL_COUNTERS_WINDOW_SECONDS (a minute in production)
  let t: TestApp;
  let receiver: WebhookReceiver;
  let sink: SmtpSink;
  let org: string;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, OUTBOUND_ALLOW_HOSTS: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '10000', PORTAL_COUNTERS_WINDOW_SECONDS: String(WINDOW) });
    org = await orgId(t);
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
    await sink.stop();
  });

  const webhook = async (path: string, extra: Record<string, unknown> = {}) => {
    const res = await t.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: `hook ${path}`, config: { url: receiver.url(path) }, ...extra } });
    expect(res.status).toBe(201);
    return res.body as { id: string; signingSecret: string; eventTypes: string[] };
  };
  const payloads = (path: string, secret: string) => receiver.at(path).map((r) => WebhookReceiver.verify(r, secret) as any);

  it('accepts digest.sent and portal.counters in eventTypes and documents each message type in the OpenAPI document', async () => {
    const d = await webhook('/types', { eventTypes: ['digest.sent', 'portal.counters', 'security_event.created'] });
    expect(d.eventTypes).toEqual(['digest.sent', 'portal.counters', 'security_event.created']);
    const bad = await t.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: 'x', config: { url: receiver.url('/x') }, eventTypes: ['digest.opened'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('eventTypes');
    await t.api('DELETE', `/v1/destinations/${d.id}`);
    const doc = (await t.api('GET', '/docs-json', { key: null })).body;
    const schemas = doc.components.schemas;
    expect(schemas.DigestSentMessage.properties.type.enum).toEqual(['digest.sent']);
    expect(schemas.PortalCountersMessage.properties.type.enum).toEqual(['portal.counters']);
    expect(JSON.stringify(schemas)).toContain('sitesCleanedThisMonth');
  });

  it('sends one digest.sent per digest marked sent, with its period and counts; a customer’s own destination gets its digests only', async () => {
    fixClock(t, '2026-11-20T12:00:00Z');
    const alpha = await customerWithSites(t, 'dalpha');
    const beta = await customerWithSites(t, 'dbeta');
    for (const c of [alpha, beta]) await subscribe(t, c.customerId, { cadence: 'weekly', dayOfWeek: 1, sendTime: '08:00' });
    await insertEvents(t, org, alpha, [
      { kind: 'detection', severity: 'critical', site: 1, at: '2026-11-18T09:00:00Z', path: '/home/a/x.php', threat: 'PHP.Webshell' },
      { kind: 'cleanup', site: 1, at: '2026-11-18T10:00:00Z', path: '/home/a/x.php' },
      { kind: 'detection', severity: 'high', site: 0, at: '2026-11-19T09:00:00Z', path: '/home/a/shell.php', threat: 'PHP.Backdoor' },
    ]);
    await insertEvents(t, org, beta, [{ kind: 'detection', severity: 'high', site: 0, at: '2026-11-19T09:00:00Z', path: '/home/b/y.php', threat: 'Y' }]);
    const all = await webhook('/digests-all', { eventTypes: ['digest.sent'] });
    const mine = await webhook('/digests-alpha', { eventTypes: ['digest.sent'], customerId: alpha.customerId });
    await webhook('/digests-events-only', { eventTypes: ['security_event.created'] });

    fixClock(t, '2026-11-23T07:00:30Z');
    expect((await t.api('POST', '/v1/digests/run', { body: {} })).body).toMatchObject({ queued: 2 });
    await waitFor(async () => receiver.at('/digests-all').length + receiver.at('/digests-alpha').length, (n) => n === 3, 'digest.sent messages');
    await sleep(500); // nothing more arrives
    expect(receiver.at('/digests-all')).toHaveLength(2);
    expect(receiver.at('/digests-alpha')).toHaveLength(1);
    expect(receiver.at('/digests-events-only')).toHaveLength(0);

    const [row] = await ledger(t, alpha.customerId);
    expect(row.status).toBe('sent');
    const [own] = payloads('/digests-alpha', mine.signingSecret);
    expect(own).toEqual({
      type: 'digest.sent',
      timestamp: row.sentAt,
      data: {
        digest: { id: row.id, cadence: 'weekly', periodStart: '2026-11-15T23:00:00.000Z', periodEnd: '2026-11-22T23:00:00.000Z', generation: 0, sentAt: row.sentAt },
        customer: { id: alpha.customerId, externalRef: 'dalpha', name: 'Customer dalpha' },
        counts: {
          events: row.counts.events, detections: 2, threats: 2, cleaned: 1, outstanding: 1, sites: 2, sitesAffected: 2,
          sitesCleanedThisMonth: row.counts.sitesCleanedThisMonth,
        },
      },
    });
    expect(own.data.counts.sitesCleanedThisMonth).toBe(1);
    expect(own.data.counts.events).toBe(3);
    const toAll = payloads('/digests-all', all.signingSecret);
    expect(toAll.map((p) => p.data.customer.id).sort()).toEqual([alpha.customerId, beta.customerId].sort());
    expect(toAll.find((p) => p.data.customer.id === beta.customerId).data.counts).toMatchObject({ detections: 1, outstanding: 1, cleaned: 0 });
    // logged as deliveries of the destination, and the same webhook-id on the wire
    const logged = (await t.api('GET', `/v1/deliveries?destinationId=${mine.id}`)).body.data;
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ causeType: 'digest.sent', customerId: alpha.customerId, status: 'delivered' });
    expect(receiver.at('/digests-alpha')[0].headers['webhook-id']).toBe(`msg_${logged[0].id}`);
  });

  it('sends portal.counters when a customer’s counters change, at most once per customer per window, with /v1/stats’s figures', async () => {
    const gamma = await customerWithSites(t, 'pgamma', { timeZone: 'UTC', sites: 3 });
    const delta = await customerWithSites(t, 'pdelta', { timeZone: 'UTC' });
    const all = await webhook('/counters-all', { eventTypes: ['portal.counters'] });
    const own = await webhook('/counters-delta', { eventTypes: ['portal.counters'], customerId: delta.customerId });
    let seq = 0;
    const at = new Date(Date.now() - 60_000).toISOString();
    const ev = (domain: string, kind: string, path: string) => ({ source: 'scanner', externalId: `pc-${seq++}`, kind, occurredAt: at, domain, filePath: path, threatName: 'T', severity: kind === 'detection' ? 'high' : undefined });
    const windows = new Set<number>(); // the coalescing windows the pushes committed in
    const push = async (events: unknown[]) => {
      const res = await t.api('POST', '/v1/events', { body: { events } });
      expect(res.status).toBe(200);
      windows.add(Math.floor(Date.now() / (WINDOW * 1000)));
    };
    const stats = async (customerId: string) => {
      const s = (await t.api('GET', `/v1/stats?customerId=${customerId}`)).body;
      const row = s.rows.find((r: any) => r.customerId === customerId);
      return { sitesCleanedThisMonth: s.sitesCleanedThisMonth, openThreats: row?.threats.outstanding ?? 0 };
    };
    const counters = () => payloads('/counters-all', all.signingSecret).filter((p) => p.data.customer.id === gamma.customerId);

    // a burst of changes, starting at the beginning of a window: the first message at once, then at most one more
    // (one per window the burst touched, and one for the window after it)
    while (Date.now() % (WINDOW * 1000) > 300) await sleep(20);
    await push([ev('pgamma.example', 'detection', '/a.php'), ev('s1.pgamma.example', 'detection', '/b.php')]);
    await push([ev('s1.pgamma.example', 'cleanup', '/b.php')]);
    await push([ev('s2.pgamma.example', 'detection', '/c.php')]);
    await push([ev('s2.pgamma.example', 'quarantine', '/c.php')]);
    await waitFor(async () => counters().length, (n) => n >= 1, 'the first portal.counters message');
    // the trailing window's message, if the figures changed after the first: its job runs when the window after the
    // last one the burst touched starts; then every delivery written is received
    const quiet = (Math.max(...windows) + 2) * WINDOW * 1000 + 1500;
    await sleep(Math.max(0, quiet - Date.now()));
    await waitFor(async () => {
      const [{ n }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM deliveries WHERE cause_type = 'portal.counters' AND customer_id = $1 AND destination_id = $2`, [gamma.customerId, all.id]);
      return n === counters().length;
    }, (ok) => ok, 'every portal.counters delivery received');
    const got = counters();
    expect(got.length).toBeGreaterThanOrEqual(1);
    expect(got.length).toBeLessThanOrEqual(windows.size + 1);
    expect(windows.size).toBeLessThanOrEqual(2);
    const last = got[got.length - 1];
    const month = new Date().toISOString().slice(0, 7);
    expect(last).toMatchObject({
      type: 'portal.counters',
      data: { customer: { id: gamma.customerId, externalRef: 'pgamma', name: 'Customer pgamma' }, month, counters: { ...(await stats(gamma.customerId)), protectedSites: 3 } },
    });
    expect(last.data.counters).toEqual({ sitesCleanedThisMonth: 2, openThreats: 1, protectedSites: 3 });
    // one delivery per window at most, per destination
    const keys: { k: string }[] = await t.db.dataSource.query(
      `SELECT dedupe_key AS k FROM deliveries WHERE cause_type = 'portal.counters' AND destination_id = $1 AND customer_id = $2`, [all.id, gamma.customerId]);
    expect(keys).toHaveLength(got.length);
    expect(new Set(keys.map((r) => r.k.split(':')[2])).size).toBe(keys.length);
    // the customer's own destination got nothing of gamma's
    expect(receiver.at('/counters-delta')).toHaveLength(0);

    // a later change: one more message, with the new figures (also to delta's own destination for delta)
    await push([ev('pgamma.example', 'cleanup', '/a.php'), ev('pdelta.example', 'detection', '/d.php')]);
    await waitFor(async () => counters().length, (n) => n === got.length + 1, 'the next portal.counters message');
    expect(counters()[got.length].data.counters).toEqual({ ...(await stats(gamma.customerId)), protectedSites: 3 });
    expect(counters()[got.length].data.counters.openThreats).toBe(0);
    const [forDelta] = await waitFor(async () => payloads('/counters-delta', own.signingSecret), (p) => p.length === 1, 'delta counters');
    expect(forDelta.data).toMatchObject({ customer: { id: delta.customerId }, counters: { ...(await stats(delta.customerId)), protectedSites: 2 } });
    expect(forDelta.data.counters.openThreats).toBe(1);
    expect(JSON.stringify(forDelta).length).toBeLessThan(20_000);
  });
});
