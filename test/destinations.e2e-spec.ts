import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

describe('destinations: configured objects, signed webhooks, test messages', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let sink: SmtpSink;
  let keyB: string;
  const issued: string[] = []; // every secret ever returned: none may show up again

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, OUTBOUND_ALLOW_HOSTS: '127.0.0.1', DELIVERY_RETRY_SCHEDULE: '60', RATE_LIMIT_PER_MINUTE: '10000', PORTAL_TOKEN: 'tok-from-env', ENV_REFERENCE_GRANTS: '*:PORTAL_TOKEN' });
    const orgB = await t.app.get(OrganizationsService).create('Other Hosting Ltd');
    keyB = (await t.app.get(ApiKeysService).create(orgB.id, 'b-admin', ['admin'])).key;
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
    await sink.stop();
  });

  const create = async (body: Record<string, unknown>, key?: string) => {
    const res = await t.api('POST', '/v1/destinations', { body, key });
    if (res.status === 201 && res.body.signingSecret) issued.push(res.body.signingSecret);
    return res;
  };
  const webhook = async (path: string, extra: Record<string, unknown> = {}) => {
    const res = await create({ kind: 'webhook', name: `hook ${path}`, config: { url: receiver.url(path) }, ...extra });
    expect(res.status).toBe(201);
    return res.body;
  };
  const expectNoSecret = (body: unknown) => {
    const text = JSON.stringify(body);
    for (const s of issued) expect(text).not.toContain(s);
    for (const s of issued) expect(text).not.toContain(s.slice('whsec_'.length));
    expect(text).not.toContain('tok-from-env');
    expect(text).not.toContain('static-token-123');
  };

  it('creates a webhook with a generated secret shown once; list, get and update never show it again', async () => {
    const created = await create({ kind: 'webhook', name: 'Portal', config: { url: receiver.url('/portal'), headers: { 'X-Portal-Token': 'static-token-123', 'X-Env': 'env:PORTAL_TOKEN' } } });
    expect(created.status).toBe(201);
    const secret: string = created.body.signingSecret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    const bytes = Buffer.from(secret.slice(6), 'base64').length;
    expect(bytes).toBeGreaterThanOrEqual(24);
    expect(bytes).toBeLessThanOrEqual(64);
    expect(created.body).toMatchObject({
      kind: 'webhook', name: 'Portal', customerId: null,
      config: { url: receiver.url('/portal'), headers: { 'X-Portal-Token': 'encrypted', 'X-Env': 'env:PORTAL_TOKEN' } },
      secrets: { signingSecret: 'encrypted' },
      health: { state: 'enabled', disabledReason: null, disabledAt: null, lastSuccessAt: null, lastFailureAt: null, lastFailure: null, consecutiveFailures: 0 },
    });
    const id = created.body.id;
    const got = await t.api('GET', `/v1/destinations/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.signingSecret).toBeUndefined();
    expectNoSecret(got.body);
    const list = await t.api('GET', '/v1/destinations');
    expect(list.body.data.map((d: any) => d.id)).toContain(id);
    expectNoSecret(list.body);
    const renamed = await t.api('PATCH', `/v1/destinations/${id}`, { body: { name: 'Portal (EU)' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Portal (EU)');
    expectNoSecret(renamed.body);
    // what is stored is sealed, not the secret
    const [row] = await t.db.dataSource.query(`SELECT secrets::text, config::text FROM destinations WHERE id = $1`, [id]);
    expect(row.secrets).not.toContain(secret.slice(6));
    expect(row.config).not.toContain('static-token-123');
  });

  it('never stores the one-time secret for an Idempotency-Key retry: the retry gets 409 already_issued with the id', async () => {
    const body = { kind: 'webhook', name: 'idempotent', config: { url: receiver.url('/idem') } };
    const headers = { 'Idempotency-Key': 'dest-create-1' };
    const first = await t.api('POST', '/v1/destinations', { body, headers });
    expect(first.status).toBe(201);
    issued.push(first.body.signingSecret);
    const retry = await t.api('POST', '/v1/destinations', { body, headers });
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({ code: 'already_issued', id: first.body.id });
    const rotated = await t.api('POST', `/v1/destinations/${first.body.id}/rotate-secret`, { body: {}, headers: { 'Idempotency-Key': 'dest-rotate-1' } });
    issued.push(rotated.body.signingSecret);
    const [stored] = await t.db.dataSource.query(`SELECT string_agg(coalesce(response_body::text, ''), ' ') AS all FROM idempotency_keys`);
    expectNoSecret(stored.all);
  });

  it('accepts an operator-supplied whsec_ secret, and an email destination with recipients', async () => {
    const own = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    const hook = await create({ kind: 'webhook', name: 'Own secret', config: { url: receiver.url('/own') }, signingSecret: own });
    expect(hook.status).toBe(201);
    expect(hook.body.signingSecret).toBe(own);
    const mail = await create({ kind: 'email', name: 'NOC', config: { to: ['noc@northwind.example'] } });
    expect(mail.status).toBe(201);
    expect(mail.body).toMatchObject({ kind: 'email', config: { to: ['noc@northwind.example'] }, secrets: {} });
    expect(mail.body.signingSecret).toBeNull();
  });

  it.each([
    [{ kind: 'sms', name: 'x', config: {} }, 'kind'],
    [{ kind: 'webhook', name: 'x', config: {} }, 'config.url'],
    [{ kind: 'webhook', name: 'x', config: { url: 'ftp://example.com/x' } }, 'config.url'],
    [{ kind: 'webhook', name: 'x', config: { url: 'https://u:p@example.com/x' } }, 'config.url'],
    [{ kind: 'webhook', name: 'x', config: { url: 'https://example.com/x', headers: { 'webhook-signature': 'v1,x' } } }, 'config.headers.webhook-signature'],
    [{ kind: 'webhook', name: 'x', config: { url: 'https://example.com/x', headers: { 'X-A': 'a\r\nb' } } }, 'config.headers.X-A'],
    [{ kind: 'webhook', name: 'x', config: { url: 'https://example.com/x', secret: 'y' } }, 'config.secret'],
    [{ kind: 'webhook', name: 'x', config: { url: 'https://example.com/x' }, signingSecret: 'whsec_c2hvcnQ=' }, 'signingSecret'],
    [{ kind: 'webhook', name: 'x', config: { url: 'https://example.com/x' }, signingSecret: 'not-a-secret-at-all-but-long-enough' }, 'signingSecret'],
    [{ kind: 'email', name: 'x', config: { to: [] } }, 'config.to'],
    [{ kind: 'email', name: 'x', config: { to: ['ok@example.com', 'nope'] } }, 'config.to[1]'],
    [{ kind: 'email', name: 'x', config: { to: ['ok@example.com'] }, signingSecret: 'whsec_' + 'A'.repeat(32) }, 'signingSecret'],
    [{ kind: 'webhook', name: 'x', config: { url: 'https://example.com/x' }, customerId: '00000000-0000-4000-8000-000000000000' }, 'customerId'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await t.api('POST', '/v1/destinations', { body });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
    expect(typeof res.body.message).toBe('string');
  });

  it('disables and enables with reason and time', async () => {
    const d = await webhook('/toggle');
    const off = await t.api('POST', `/v1/destinations/${d.id}/disable`);
    expect(off.status).toBe(200);
    expect(off.body.health).toMatchObject({ state: 'disabled', disabledReason: 'manual' });
    expect(new Date(off.body.health.disabledAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const on = await t.api('POST', `/v1/destinations/${d.id}/enable`);
    expect(on.body.health).toMatchObject({ state: 'enabled', disabledReason: null, disabledAt: null });
  });

  it('tests a webhook: a signed notification.test that standardwebhooks verifies, logged as a delivery, health updated', async () => {
    const d = await webhook('/ok');
    const before = Math.floor(Date.now() / 1000);
    const res = await t.api('POST', `/v1/destinations/${d.id}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'delivered', outcome: 'delivered', statusCode: 200, response: '{"ok":true}', error: null });
    const [got] = receiver.at('/ok');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['webhook-id']).toBe(`msg_${res.body.deliveryId}`);
    expect(Number(got.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(before);
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    const payload = WebhookReceiver.verify(got, d.signingSecret) as any;
    expect(payload).toMatchObject({ type: 'notification.test', data: { destination: { id: d.id, name: 'hook /ok' } } });
    expect(Object.keys(payload).sort()).toEqual(['data', 'timestamp', 'type']);
    expect(() => WebhookReceiver.verify(got, issued[0])).toThrow(); // another destination's secret does not verify

    const listed = await t.api('GET', `/v1/deliveries?destinationId=${d.id}`);
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.data[0]).toMatchObject({ id: res.body.deliveryId, destination: 'webhook', destinationId: d.id, causeType: 'notification.test', status: 'delivered' });
    const detail = await t.api('GET', `/v1/deliveries/${res.body.deliveryId}`);
    expect(detail.body.attemptLog[0]).toMatchObject({ outcome: 'delivered', response: { status: 200, body: '{"ok":true}' } });
    expectNoSecret(listed.body);
    expectNoSecret(detail.body);
    const health = (await t.api('GET', `/v1/destinations/${d.id}`)).body.health;
    expect(health.lastSuccessAt).not.toBeNull();
    expect(health.consecutiveFailures).toBe(0);
  });

  it('sends the custom static headers, their values opened (also from env:NAME), never logged', async () => {
    const created = await create({ kind: 'webhook', name: 'headers', config: { url: receiver.url('/headers'), headers: { 'X-Portal-Token': 'static-token-123', 'X-Env': 'env:PORTAL_TOKEN' } } });
    const res = await t.api('POST', `/v1/destinations/${created.body.id}/test`);
    expect(res.body.outcome).toBe('delivered');
    const [got] = receiver.at('/headers');
    expect(got.headers['x-portal-token']).toBe('static-token-123');
    expect(got.headers['x-env']).toBe('tok-from-env');
    const detail = await t.api('GET', `/v1/deliveries/${res.body.deliveryId}`);
    expect(detail.body.attemptLog[0].request.customHeaders.sort()).toEqual(['X-Env', 'X-Portal-Token']);
    expectNoSecret(detail.body);
  });

  it('tests a failing webhook: the status code and the response excerpt (capped at 4 KB), health shows the failure', async () => {
    const d = await webhook('/broken');
    receiver.answer('/broken', 500, JSON.stringify({ error: 'database down', pad: 'x'.repeat(10_000) }));
    const res = await t.api('POST', `/v1/destinations/${d.id}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'failed', outcome: 'transient_error', statusCode: 500 });
    expect(res.body.response).toMatch(/^\{"error":"database down"/);
    expect(Buffer.byteLength(res.body.response)).toBeLessThanOrEqual(4 * 1024 + 3);
    expect(res.body.error).toMatch(/^HTTP 500: \{"error":"database down"/);
    const health = (await t.api('GET', `/v1/destinations/${d.id}`)).body.health;
    expect(health).toMatchObject({ state: 'enabled', consecutiveFailures: 1, lastSuccessAt: null });
    expect(health.lastFailure).toMatch(/^HTTP 500/);

    const gone = await webhook('/rejects');
    receiver.answer('/rejects', 400, 'bad payload');
    const rejected = await t.api('POST', `/v1/destinations/${gone.id}/test`);
    expect(rejected.body).toMatchObject({ status: 'dead', outcome: 'permanent_error', statusCode: 400, response: 'bad payload' });
  });

  it('takes a large 2xx answer as delivered, keeping 4 KB of it', async () => {
    const d = await webhook('/chatty');
    receiver.answer('/chatty', 202, 'y'.repeat(200_000));
    const res = await t.api('POST', `/v1/destinations/${d.id}/test`);
    expect(res.body).toMatchObject({ status: 'delivered', statusCode: 202 });
    expect(res.body.response).toBe('y'.repeat(4096) + '…');
  });

  it('tests an unreachable webhook: the connection error is the answer', async () => {
    const closed = await WebhookReceiver.start();
    const url = closed.url('/down');
    await closed.stop();
    const created = await create({ kind: 'webhook', name: 'down', config: { url } });
    const res = await t.api('POST', `/v1/destinations/${created.body.id}/test`);
    expect(res.body).toMatchObject({ status: 'failed', outcome: 'transient_error', statusCode: null, response: null });
    expect(res.body.error).toMatch(/^network: .*ECONNREFUSED/);
  });

  it('tests an email destination: the test mail arrives at its recipients', async () => {
    const d = await create({ kind: 'email', name: 'Ops', config: { to: ['ops@northwind.example'] } });
    const res = await t.api('POST', `/v1/destinations/${d.body.id}/test`);
    expect(res.body).toMatchObject({ status: 'delivered', outcome: 'delivered', statusCode: null });
    const mail = await sink.to('ops@northwind.example')[0].parse();
    expect(mail.subject).toMatch(/Test message: Ops$/);
  });

  it('rotates the secret: messages verify with the old and the new secret during the overlap, with the new one after', async () => {
    const d = await webhook('/rotate');
    const old: string = d.signingSecret;
    const send = async () => {
      const res = await t.api('POST', `/v1/destinations/${d.id}/test`);
      expect(res.body.outcome).toBe('delivered');
      return receiver.at('/rotate').at(-1)!;
    };
    const before = await send();
    expect(WebhookReceiver.verify(before, old)).toMatchObject({ type: 'notification.test' });

    const rotated = await t.api('POST', `/v1/destinations/${d.id}/rotate-secret`, { body: {} });
    expect(rotated.status).toBe(200);
    const next: string = rotated.body.signingSecret;
    issued.push(next);
    expect(next).toMatch(/^whsec_/);
    expect(next).not.toBe(old);
    const until = new Date(rotated.body.previousSecretUntil).getTime();
    expect(Math.abs(until - (Date.now() + 24 * 3600 * 1000))).toBeLessThan(60_000); // the default overlap: 24 h
    expectNoSecret((await t.api('GET', `/v1/destinations/${d.id}`)).body);

    const during = await send();
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(WebhookReceiver.verify(during, old)).toMatchObject({ type: 'notification.test' });
    expect(WebhookReceiver.verify(during, next)).toMatchObject({ type: 'notification.test' });

    // a short overlap, set on the call: once it is over only the newest secret signs
    const again = await t.api('POST', `/v1/destinations/${d.id}/rotate-secret`, { body: { overlapSeconds: 1 } });
    const newest: string = again.body.signingSecret;
    issued.push(newest);
    const overlapping = await send();
    expect(WebhookReceiver.verify(overlapping, next)).toBeTruthy();
    expect(WebhookReceiver.verify(overlapping, newest)).toBeTruthy();
    await new Promise((r) => setTimeout(r, 1100));
    const after = await send();
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(WebhookReceiver.verify(after, newest)).toMatchObject({ type: 'notification.test' });
    expect(() => WebhookReceiver.verify(after, next)).toThrow();
    expect(() => WebhookReceiver.verify(after, old)).toThrow();
    expect((await t.api('GET', `/v1/destinations/${d.id}`)).body.previousSecretUntil).toBeNull();

    const own = 'whsec_' + Buffer.alloc(48, 9).toString('base64');
    const supplied = await t.api('POST', `/v1/destinations/${d.id}/rotate-secret`, { body: { signingSecret: own, overlapSeconds: 0 } });
    expect(supplied.body).toMatchObject({ signingSecret: own, previousSecretUntil: null });
    expect(WebhookReceiver.verify(await send(), own)).toBeTruthy();
    const bad = await t.api('POST', `/v1/destinations/${d.id}/rotate-secret`, { body: { signingSecret: 'whsec_short' } });
    expect([bad.status, bad.body.field]).toEqual([400, 'signingSecret']);
  });

  it('keeps webhook-id across a replay of the same message, with a fresh timestamp and signature', async () => {
    const d = await webhook('/replayed');
    const first = await t.api('POST', `/v1/destinations/${d.id}/test`);
    await new Promise((r) => setTimeout(r, 1100));
    const replay = await t.api('POST', `/v1/deliveries/${first.body.deliveryId}/replay`);
    expect(replay.status).toBe(202);
    const deadline = Date.now() + 10_000;
    while (receiver.at('/replayed').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const [a, b] = receiver.at('/replayed');
    expect(b.headers['webhook-id']).toBe(a.headers['webhook-id']);
    expect(Number(b.headers['webhook-timestamp'])).toBeGreaterThan(Number(a.headers['webhook-timestamp']));
    expect(WebhookReceiver.verify(b, d.signingSecret)).toEqual(WebhookReceiver.verify(a, d.signingSecret));
  });

  describe('subscriptions: security_event.created', () => {
    let seq = 0;
    const customer = async (ref: string) => {
      const c = await t.api('POST', '/v1/customers', { body: { externalRef: ref, name: `Customer ${ref}`, emails: [`it@${ref}.example`] } });
      expect(c.status).toBe(201);
      const site = await t.api('POST', `/v1/customers/${c.body.id}/sites`, { body: { domains: [`${ref}.example`] } });
      expect(site.status).toBe(201);
      return { id: c.body.id as string, siteId: site.body.id as string };
    };
    const event = (ref: string) => ({
      source: 'scanner', externalId: `sub-${seq++}`, kind: 'detection', severity: 'high', occurredAt: '2026-11-20T16:05:00Z',
      domain: `${ref}.example`, filePath: `/home/${ref}/public_html/shell.php`, threatName: 'PHP.Webshell.WSO',
    });
    const push = async (events: unknown[]) => {
      const res = await t.api('POST', '/v1/events', { body: { events } });
      expect(res.status).toBe(200);
      return res.body;
    };
    const until = async (path: string, n: number) => {
      const deadline = Date.now() + 15_000;
      while (receiver.at(path).length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      return receiver.at(path);
    };

    it('sends each new stored event to the subscribed webhooks, signed; a customer’s own destination gets its events only', async () => {
      const alpha = await customer('alpha');
      const beta = await customer('beta');
      const all = await webhook('/sub-all', { eventTypes: ['security_event.created'] });
      expect(all.eventTypes).toEqual(['security_event.created']);
      const mine = await webhook('/sub-alpha', { eventTypes: ['security_event.created'], customerId: alpha.id });
      expect(mine.customerId).toBe(alpha.id);
      await webhook('/sub-none'); // subscribed to nothing
      const off = await webhook('/sub-off', { eventTypes: ['security_event.created'] });
      await t.api('POST', `/v1/destinations/${off.id}/disable`);

      const e = event('alpha');
      expect((await push([e, event('beta')])).created).toBe(2);
      const got = await until('/sub-all', 2);
      expect(got).toHaveLength(2);
      const payloads = got.map((r) => WebhookReceiver.verify(r, all.signingSecret) as any);
      const forAlpha = payloads.find((p) => p.data.customer?.id === alpha.id);
      expect(forAlpha).toMatchObject({
        type: 'security_event.created', timestamp: '2026-11-20T16:05:00.000Z',
        data: {
          event: { kind: 'detection', severity: 'high', threatName: 'PHP.Webshell.WSO', filePath: '/home/alpha/public_html/shell.php', domain: 'alpha.example', occurredAt: '2026-11-20T16:05:00.000Z' },
          customer: { id: alpha.id, externalRef: 'alpha', name: 'Customer alpha' },
          site: { id: alpha.siteId, domain: 'alpha.example' },
        },
      });
      expect(payloads.find((p) => p.data.customer?.id === beta.id)).toBeTruthy();

      const own = await until('/sub-alpha', 1);
      await new Promise((r) => setTimeout(r, 500)); // nothing else arrives for it, nor for the others
      expect(receiver.at('/sub-alpha')).toHaveLength(1);
      expect((WebhookReceiver.verify(own[0], mine.signingSecret) as any).data.customer.id).toBe(alpha.id);
      expect(receiver.at('/sub-none')).toHaveLength(0);
      expect(receiver.at('/sub-off')).toHaveLength(0);

      // logged as deliveries of the destination, webhook-id = the delivery's message id
      const logged = (await t.api('GET', `/v1/deliveries?destinationId=${mine.id}`)).body.data;
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ causeType: 'security_event.created', customerId: alpha.id, status: 'delivered', destination: 'webhook' });
      expect(own[0].headers['webhook-id']).toBe(`msg_${logged[0].id}`);

      // the same event pushed again stores nothing and sends nothing
      expect((await push([e])).created).toBe(0);
      await new Promise((r) => setTimeout(r, 500));
      expect(receiver.at('/sub-all')).toHaveLength(2);
    });

    it('validates the subscription list', async () => {
      const unknown = await t.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: 'x', config: { url: receiver.url('/x') }, eventTypes: ['everything'] } });
      expect([unknown.status, unknown.body.field]).toEqual([400, 'eventTypes']);
      const mail = await t.api('POST', '/v1/destinations', { body: { kind: 'email', name: 'x', config: { to: ['a@b.example'] }, eventTypes: ['security_event.created'] } });
      expect([mail.status, mail.body.field]).toEqual([400, 'eventTypes']);
      const d = await webhook('/later');
      const on = await t.api('PATCH', `/v1/destinations/${d.id}`, { body: { eventTypes: ['security_event.created'] } });
      expect(on.body.eventTypes).toEqual(['security_event.created']);
    });
  });

  it('documents each webhook message type with a JSON schema in the OpenAPI document', async () => {
    const doc: any = await fetch(`${t.baseUrl}/docs-json`).then((r) => r.json());
    const schemas = doc.components.schemas;
    for (const [name, type] of [['SecurityEventCreatedMessage', 'security_event.created'], ['NotificationTestMessage', 'notification.test']]) {
      expect(schemas[name].properties.type.enum).toEqual([type]);
      expect(Object.keys(schemas[name].properties).sort()).toEqual(['data', 'timestamp', 'type']);
    }
    expect(doc.paths['/v1/destinations/{id}/rotate-secret']).toBeDefined();
  });

  it("answers 404 for another organization's destinations, and never lists them", async () => {
    const d = await webhook('/mine');
    for (const [method, path] of [
      ['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/enable'], ['POST', '/disable'], ['POST', '/test'], ['POST', '/rotate-secret'],
    ] as const) {
      const res = await t.api(method, `/v1/destinations/${d.id}${path}`, { key: keyB, body: method === 'PATCH' ? { name: 'stolen' } : method === 'POST' ? {} : undefined });
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    expect((await t.api('GET', '/v1/destinations', { key: keyB })).body.data).toEqual([]);
    expect((await t.api('GET', `/v1/destinations/${d.id}`)).body.name).toBe('hook /mine');
    expect(receiver.at('/mine')).toHaveLength(0);
  });

  it('deletes a destination; its deliveries stay readable in the log', async () => {
    const d = await webhook('/deleted');
    const tested = await t.api('POST', `/v1/destinations/${d.id}/test`);
    expect((await t.api('DELETE', `/v1/destinations/${d.id}`)).status).toBe(204);
    expect((await t.api('GET', `/v1/destinations/${d.id}`)).status).toBe(404);
    const delivery = await t.api('GET', `/v1/deliveries/${tested.body.deliveryId}`);
    expect(delivery.status).toBe(200);
    expect(delivery.body).toMatchObject({ destination: 'webhook', destinationId: null, status: 'delivered' });
  });
});
