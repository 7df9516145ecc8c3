import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { Clock } from '../src/clock/clock';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { scrape } from './support/prometheus';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { sleep, waitFor } from './support/wait';

// A receiver on 127.0.0.1 that answers from a script per path (status, headers, a stall), can go down and come back
// on the same port, and keeps what arrived with the time it arrived.
interface Arrival {
  path: string;
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
}
type Answer = { status: number; headers?: Record<string, string>; stallMs?: number };

class ScriptedReceiver {
  readonly arrivals: Arrival[] = [];
  private scripts = new Map<string, Answer[]>();
  private server: Server | null = null;
  port = 0;

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.arrivals.push({ path, at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const script = this.scripts.get(path);
        const a = (script && script.length > 1 ? script.shift() : script?.[0]) ?? { status: 200 };
        const reply = () => res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end('{"ok":' + (a.status < 300) + '}');
        if (a.stallMs) setTimeout(() => !res.destroyed && reply(), a.stallMs);
        else reply();
      });
    });
    this.server.keepAliveTimeout = 100;
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((r) => s.close(() => r(null)));
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  // Answers in turn; the last one stays.
  script(path: string, ...answers: Answer[]): void {
    this.scripts.set(path, answers);
  }

  at(path: string): Arrival[] {
    return this.arrivals.filter((a) => a.path === path);
  }
}

describe('retries, failures and held deliveries (per destination)', () => {
  let t: TestApp;
  let sink: SmtpSink;
  const rx = new ScriptedReceiver();

  beforeAll(async () => {
    await rx.start();
    sink = await SmtpSink.start();
    t = await startTestApp({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '10000', SMTP_URL: sink.url });
  });
  afterAll(async () => {
    await t.close();
    await rx.stop();
    await sink.stop();
  });

  const webhook = async (path: string, config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => {
    const res = await t.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: `hook ${path}`, config: { url: rx.url(path), ...config }, ...extra } });
    expect(res.status).toBe(201);
    return res.body as { id: string; signingSecret: string };
  };
  const test = async (id: string) => {
    const res = await t.api('POST', `/v1/destinations/${id}/test`);
    expect(res.status).toBe(200);
    return res.body as { deliveryId: string; status: string; outcome: string; statusCode: number | null; error: string | null };
  };
  const delivery = async (id: string) => (await t.api('GET', `/v1/deliveries/${id}`)).body;
  const until = (id: string, statuses: string[], ms = 15_000) => waitFor(() => delivery(id), (d) => statuses.includes(d.status), `delivery ${id} ${statuses}`, ms);
  const verify = (a: Arrival, secret: string) => new Webhook(secret).verify(a.body, a.headers as Record<string, string>) as any;

  it('validates the per-destination retry schedule and timeouts with a 400 that names the field', async () => {
    const bad = async (config: Record<string, unknown>) => (await t.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: 'x', config: { url: rx.url('/x'), ...config } } })).body;
    expect(await bad({ retrySchedule: 'often' })).toMatchObject({ code: 'validation_failed', field: 'config.retrySchedule' });
    expect(await bad({ retrySchedule: [5, -1] })).toMatchObject({ field: 'config.retrySchedule[1]' });
    expect(await bad({ timeoutSeconds: 0 })).toMatchObject({ field: 'config.timeoutSeconds' });
    expect(await bad({ connectTimeoutSeconds: 20, timeoutSeconds: 10 })).toMatchObject({ field: 'config.connectTimeoutSeconds' });
    const res = await t.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: 'ok', config: { url: rx.url('/x'), retrySchedule: [1, 60], connectTimeoutSeconds: 2, timeoutSeconds: 4 } } });
    expect(res.status).toBe(201);
    expect(res.body.config).toMatchObject({ retrySchedule: [1, 60], connectTimeoutSeconds: 2, timeoutSeconds: 4 });
    const mail = await t.api('POST', '/v1/destinations', { body: { kind: 'email', name: 'm', config: { to: ['a@b.example'], timeoutSeconds: 3 } } });
    expect(mail.status).toBe(400);
    expect(mail.body.field).toBe('config.timeoutSeconds');
  });

  it("retries a webhook on Svix's schedule by default: the first retry 5 s (±20%) after the failure", async () => {
    rx.script('/svix', { status: 500 });
    const d = await webhook('/svix');
    const before = Date.now();
    const r = await test(d.id);
    expect(r).toMatchObject({ status: 'failed', statusCode: 500 });
    const next = new Date((await delivery(r.deliveryId)).nextAttemptAt).getTime();
    expect(next - before).toBeGreaterThanOrEqual(4000 - 1000);
    expect(next - Date.now()).toBeLessThanOrEqual(6000 + 100);
  });

  it('receiver down for a while, then up: every message delivered once, webhook-id stable', async () => {
    const down = await new ScriptedReceiver().start();
    const port = down.port;
    const d = await webhook('/down', { url: down.url('/down'), retrySchedule: [1, 1, 1, 1, 1, 1] });
    await down.stop();
    const sent = [await test(d.id), await test(d.id), await test(d.id)];
    for (const s of sent) expect(s).toMatchObject({ status: 'failed', outcome: 'transient_error' });
    expect(sent[0].error).toMatch(/ECONNREFUSED/);
    await sleep(2500); // a retry or two fail meanwhile
    await down.start(port);
    try {
      for (const s of sent) await until(s.deliveryId, ['delivered']);
      await sleep(1500); // nothing more arrives
      const got = down.at('/down');
      expect(got).toHaveLength(3);
      expect(got.map((g) => g.headers['webhook-id']).sort()).toEqual(sent.map((s) => `msg_${s.deliveryId}`).sort());
      for (const g of got) expect(verify(g, d.signingSecret).type).toBe('notification.test');
      const log = (await delivery(sent[0].deliveryId)).attemptLog;
      expect(log.length).toBeGreaterThanOrEqual(3);
      expect(log.slice(0, -1).every((a: any) => a.outcome === 'transient_error')).toBe(true);
      expect(log[log.length - 1].outcome).toBe('delivered');
    } finally {
      await down.stop();
    }
  });

  it('429 with Retry-After: 2 waits 2 s (not the 60 s step); a longer Retry-After is capped at the longest step', async () => {
    rx.script('/429', { status: 429, headers: { 'retry-after': '2' } }, { status: 200 });
    const d = await webhook('/429', { retrySchedule: [60, 60] });
    const r = await test(d.id);
    expect(r).toMatchObject({ status: 'failed', statusCode: 429 });
    await until(r.deliveryId, ['delivered'], 10_000);
    const [first, second] = rx.at('/429');
    expect(second.at - first.at).toBeGreaterThanOrEqual(1900);
    expect(second.at - first.at).toBeLessThan(6000);
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect((await delivery(r.deliveryId)).attemptLog[0].response).toMatchObject({ status: 429, retryAfter: '2' });

    rx.script('/429-long', { status: 429, headers: { 'retry-after': '86400' } }, { status: 200 });
    const long = await webhook('/429-long', { retrySchedule: [1] });
    const r2 = await test(long.id);
    await until(r2.deliveryId, ['delivered'], 8000); // capped at 1 s, the longest step
  });

  it('503 is retried, honouring a Retry-After given as an HTTP date', async () => {
    const when = new Date(Date.now() + 3000).toUTCString();
    rx.script('/503', { status: 503, headers: { 'retry-after': when } }, { status: 200 });
    const d = await webhook('/503', { retrySchedule: [60] });
    const r = await test(d.id);
    expect(r).toMatchObject({ status: 'failed', statusCode: 503 });
    await until(r.deliveryId, ['delivered'], 10_000);
    const [first, second] = rx.at('/503');
    expect(second.at - first.at).toBeGreaterThanOrEqual(1000);
    expect(second.at - first.at).toBeLessThan(7000);
  });

  it('400 is permanent: dead at once, never retried', async () => {
    rx.script('/400', { status: 400 });
    const d = await webhook('/400', { retrySchedule: [0.5, 0.5] });
    const r = await test(d.id);
    expect(r).toMatchObject({ status: 'dead', outcome: 'permanent_error', statusCode: 400 });
    await sleep(2000);
    expect(rx.at('/400')).toHaveLength(1);
    expect((await delivery(r.deliveryId)).status).toBe('dead');
    expect((await t.api('GET', `/v1/destinations/${d.id}`)).body.health.state).toBe('enabled');
  });

  it('a burst of 500s: retried until it passes, each message once delivered', async () => {
    rx.script('/500', { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 200 });
    const d = await webhook('/500', { retrySchedule: [0.5, 0.5, 0.5, 0.5, 0.5] });
    const a = await test(d.id);
    const b = await test(d.id);
    await until(a.deliveryId, ['delivered']);
    await until(b.deliveryId, ['delivered']);
    const ok = rx.at('/500').slice(4);
    expect(ok.map((g) => g.headers['webhook-id']).sort()).toEqual([`msg_${a.deliveryId}`, `msg_${b.deliveryId}`].sort());
  });

  it('a receiver that stalls past the total timeout: a timeout attempt, then retried', async () => {
    rx.script('/stall', { status: 200, stallMs: 3000 }, { status: 200 });
    const d = await webhook('/stall', { retrySchedule: [0.5], timeoutSeconds: 1, connectTimeoutSeconds: 0.5 });
    const started = Date.now();
    const r = await test(d.id);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(r).toMatchObject({ status: 'failed', outcome: 'transient_error' });
    expect(r.error).toMatch(/^timeout: .* did not answer within 1000 ms/);
    await until(r.deliveryId, ['delivered']);
    const got = rx.at('/stall');
    expect(got[1].headers['webhook-id']).toBe(got[0].headers['webhook-id']);
  });

  it('410 Gone disables the destination at once (gone_410); later deliveries are held, and enabling sends them in order', async () => {
    rx.script('/gone', { status: 410 });
    const d = await webhook('/gone', { retrySchedule: [0.5] }, { eventTypes: ['security_event.created'] });
    const r = await test(d.id);
    expect(r).toMatchObject({ status: 'dead', statusCode: 410 });
    const health = (await t.api('GET', `/v1/destinations/${d.id}`)).body.health;
    expect(health).toMatchObject({ state: 'disabled', disabledReason: 'gone_410' });
    expect(health.disabledAt).not.toBeNull();

    const c = await t.api('POST', '/v1/customers', { body: { externalRef: 'gone', name: 'Gone Ltd', emails: ['it@gone.example'] } });
    await t.api('POST', `/v1/customers/${c.body.id}/sites`, { body: { domains: ['gone.example'] } });
    const events = [1, 2, 3].map((i) => ({
      source: 'scanner', externalId: `gone-${i}`, kind: 'detection', severity: 'high', occurredAt: `2026-11-20T16:0${i}:00Z`,
      domain: 'gone.example', filePath: `/home/gone/public_html/shell${i}.php`, threatName: 'PHP.Webshell.WSO',
    }));
    for (const e of events) expect((await t.api('POST', '/v1/events', { body: { events: [e] } })).body.created).toBe(1);
    const held = await waitFor(
      async () => (await t.api('GET', `/v1/deliveries?destinationId=${d.id}&status=held`)).body.data,
      (rows: any[]) => rows.length === 3, 'three held deliveries',
    );
    expect(held.every((h: any) => h.causeType === 'security_event.created')).toBe(true);
    await sleep(1000);
    expect(rx.at('/gone')).toHaveLength(1); // nothing sent while disabled
    expect((await scrape(t.baseUrl)).value('hostdigest_deliveries_held', { destination: 'webhook' })).toBe(3);

    rx.script('/gone', { status: 200 });
    const on = await t.api('POST', `/v1/destinations/${d.id}/enable`);
    expect(on.body.health.state).toBe('enabled');
    for (const h of held) await until(h.id, ['delivered']);
    const got = rx.at('/gone').slice(1);
    expect(got).toHaveLength(3);
    const files = got.map((g) => verify(g, d.signingSecret).data.event.filePath);
    expect(files).toEqual(events.map((e) => e.filePath));
  });

  it('auto-disables a destination with no success for 5 days and 10 failed attempts (controllable clock), telling the operator; the first success after sends destination.recovered', async () => {
    const ops = await webhook('/ops', {}, { operatorNotices: true });
    expect((await t.api('GET', `/v1/destinations/${ops.id}`)).body.operatorNotices).toBe(true);
    rx.script('/flaky', { status: 500 });
    const d = await webhook('/flaky', { retrySchedule: [600] });
    const clock = t.app.get(Clock);
    const t0 = new Date('2026-12-01T08:00:00.000Z');
    const later = new Date(t0.getTime() + 6 * 24 * 3600 * 1000);
    const health = async () => (await t.api('GET', `/v1/destinations/${d.id}`)).body.health;
    const notices = (type: string) => rx.at('/ops').map((a) => verify(a, ops.signingSecret)).filter((m) => m.type === type && m.data.destination.id === d.id);
    try {
      clock.now = () => t0;
      expect((await test(d.id)).status).toBe('failed');
      expect(await health()).toMatchObject({ state: 'enabled', consecutiveFailures: 1, failingSince: t0.toISOString() });
      // 6 days on: failed attempts 2 … 9 keep it enabled (fewer than 10), the 10th disables it
      clock.now = () => later;
      for (let i = 2; i <= 9; i++) await test(d.id);
      expect(await health()).toMatchObject({ state: 'enabled', consecutiveFailures: 9 });
      await test(d.id);
      expect(await health()).toMatchObject({
        state: 'disabled', disabledReason: 'failing_since', disabledAt: later.toISOString(), failingSince: t0.toISOString(), consecutiveFailures: 10,
      });
      const [disabled] = await waitFor(async () => notices('destination.disabled'), (n) => n.length > 0, 'destination.disabled at the operator destination');
      expect(disabled).toMatchObject({
        type: 'destination.disabled', timestamp: later.toISOString(),
        data: { destination: { id: d.id, name: 'hook /flaky' }, reason: 'failing_since', failingSince: t0.toISOString(), failures: 10, lastFailure: expect.stringContaining('HTTP 500') },
      });
      const m = await scrape(t.baseUrl);
      expect(m.value('hostdigest_destinations_disabled', { reason: 'failing_since' })).toBe(1);

      // it works again: enabled, the first success tells the operator, once
      rx.script('/flaky', { status: 200 });
      await t.api('POST', `/v1/destinations/${d.id}/enable`);
      expect((await test(d.id)).status).toBe('delivered');
      expect((await test(d.id)).status).toBe('delivered');
      const [recovered] = await waitFor(async () => notices('destination.recovered'), (n) => n.length > 0, 'destination.recovered at the operator destination');
      expect(recovered).toMatchObject({ type: 'destination.recovered', data: { destination: { id: d.id }, failures: 10, failingSince: t0.toISOString() } });
      expect(await health()).toMatchObject({ state: 'enabled', consecutiveFailures: 0, failingSince: null });
      expect((await scrape(t.baseUrl)).value('hostdigest_destinations_disabled', { reason: 'failing_since' })).toBe(0);
      await sleep(1000);
      expect(notices('destination.recovered')).toHaveLength(1);
      expect(notices('destination.disabled')).toHaveLength(1);
    } finally {
      delete (clock as { now?: unknown }).now;
    }
  });

  it("without an operator destination, the notice goes by e-mail to the organization's adminEmail (else only the log)", async () => {
    const org = await t.app.get(OrganizationsService).create('Notice Hosting Ltd');
    const key = (await t.app.get(ApiKeysService).create(org.id, 'n-admin', ['admin'])).key;
    const bad = await t.api('PATCH', '/v1/organization', { key, body: { adminEmail: 'not-an-address' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('adminEmail');
    const set = await t.api('PATCH', '/v1/organization', { key, body: { adminEmail: 'noc@notice-hosting.example' } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ name: 'Notice Hosting Ltd', adminEmail: 'noc@notice-hosting.example' });
    rx.script('/gone-b', { status: 410 });
    const created = await t.api('POST', '/v1/destinations', { key, body: { kind: 'webhook', name: 'portal B', config: { url: rx.url('/gone-b') } } });
    expect(created.status).toBe(201);
    expect((await t.api('POST', `/v1/destinations/${created.body.id}/test`, { key })).body.status).toBe('dead');
    expect((await t.api('GET', `/v1/destinations/${created.body.id}`, { key })).body.health).toMatchObject({ state: 'disabled', disabledReason: 'gone_410' });
    const [mail] = await waitFor(async () => sink.to('noc@notice-hosting.example'), (m) => m.length > 0, 'the notice e-mail');
    const parsed = await mail.parse();
    expect(parsed.subject).toContain('Destination disabled: portal B');
    expect(parsed.text).toContain('410 Gone');
    // in the organization's delivery log, as any delivery
    const log = (await t.api('GET', '/v1/deliveries?causeType=destination.disabled', { key })).body.data;
    expect(log).toEqual([expect.objectContaining({ destination: 'email', status: 'delivered' })]);
    // the default organization (with its operator destination) heard nothing of it
    expect(rx.at('/ops').filter((a) => a.body.includes(created.body.id))).toHaveLength(0);
  });
});
