import { generateKeyPairSync } from 'node:crypto';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { DeliveryLedger } from '../src/deliveries/delivery-ledger';
import { SweepDeliveriesJob } from '../src/deliveries/delivery-job-handlers';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { FakeMonarxServer } from './fakes/fake-monarx-server';
import { subscribe } from './support/digest-fixtures';
import { AGENT, files } from './support/monarx-records';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { sleep, waitFor } from './support/wait';

const DKIM_KEY = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('deliveries: urgent events e-mailed at once, retried, replayed', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let brandId: string;
  let seq = 0;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, DELIVERY_RETRY_SCHEDULE: '1,2,2,2,2,2,2', DELIVERY_LEASE_SECONDS: '5', RATE_LIMIT_PER_MINUTE: '10000' });
    const b = await t.api('POST', '/v1/brands', {
      body: {
        name: 'Northwind Hosting', senderName: 'Northwind Security', senderEmail: 'security@northwind.example', replyTo: 'help@northwind.example',
        portalUrl: 'https://portal.northwind.example', dkim: { domainName: 'northwind.example', keySelector: 'hd2026', privateKey: DKIM_KEY },
      },
    });
    expect(b.status).toBe(201);
    brandId = b.body.id;
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  // A customer of the brand with one site (domain <ref>.example, or a server + account user) and digest settings.
  const customer = async (ref: string, settings: Record<string, unknown>, site: Record<string, unknown> = { domains: [`${ref}.example`] }) => {
    const c = await t.api('POST', '/v1/customers', {
      body: { externalRef: ref, name: `Customer ${ref}`, emails: [`it@${ref}.example`], brandId, timeZone: 'Europe/Berlin', locale: 'en' },
    });
    expect(c.status).toBe(201);
    expect((await t.api('POST', `/v1/customers/${c.body.id}/sites`, { body: site })).status).toBe(201);
    await subscribe(t, c.body.id, settings);
    return c.body.id as string;
  };
  const event = (ref: string, over: Record<string, unknown> = {}) => ({
    source: 'scanner', externalId: `x-${seq++}`, kind: 'detection', severity: 'critical', occurredAt: '2026-11-20T16:05:00Z',
    domain: `${ref}.example`, filePath: `/home/${ref}/public_html/wp-content/uploads/2026/11/${'deep/'.repeat(40)}shell.php`,
    threatName: 'PHP.Webshell.WSO', ...over,
  });
  const push = async (events: unknown[]) => {
    const res = await t.api('POST', '/v1/events', { body: { events } });
    expect(res.status).toBe(200);
    return res.body;
  };
  const deliveries = async (customerId: string) => (await t.api('GET', `/v1/deliveries?customerId=${customerId}`)).body.data as any[];
  const detail = async (id: string) => (await t.api('GET', `/v1/deliveries/${id}`)).body;
  const settle = (customerId: string, status: string) => waitFor(() => deliveries(customerId), (d) => d.length > 0 && d.every((x) => x.status === status), `deliveries ${status}`, 30_000);

  it('pushes an urgent event: one branded e-mail at once, logged; a duplicate push sends nothing; the digest leaves it out', async () => {
    const id = await customer('bakery', { cadence: 'daily', urgentKinds: ['detection'], recipients: ['sec@bakery.example', 'owner@bakery.example'] });
    const pushed = await push([event('bakery'), event('bakery', { kind: 'cleanup', severity: null, threatName: null })]);
    expect(pushed.created).toBe(2);
    await waitFor(async () => sink.to('sec@bakery.example').length, (n) => n === 1, 'the alert');
    const received = sink.to('sec@bakery.example')[0];
    expect(received.envelope.to.sort()).toEqual(['owner@bakery.example', 'sec@bakery.example']);
    const mail = await received.parse();
    expect(mail.subject).toBe('[Northwind Hosting] Critical – Malware detected on bakery.example: PHP.Webshell.WSO');
    expect(mail.from?.value).toEqual([{ name: 'Northwind Security', address: 'security@northwind.example' }]);
    expect(mail.replyTo?.value[0].address).toBe('help@northwind.example');
    expect(mail.headerLines.find((h) => h.key === 'dkim-signature')?.line).toMatch(/d=northwind\.example;[\s\S]*s=hd2026/);
    expect(mail.text).toMatch(/When: Friday, November 20, 2026, 5:05\sPM \(Europe\/Berlin\)/); // 16:05 UTC in the customer's zone
    expect(mail.text).toContain('/home/bakery/public_html/wp-content/'); // the path, shortened keeping its start and file name
    expect(mail.text).toMatch(/…[^\n]*shell\.php/);
    expect(mail.html).toContain('https://portal.northwind.example#threats');
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toMatch(/^List-Unsubscribe:\s+<http:\/\/localhost:\d+\/u\/[\w-]+\.[\w-]+>$/);

    const [d] = await settle(id, 'delivered');
    // Sent by the organization's managed urgent-kinds rule: its firing for the event is the delivery's cause.
    expect(d).toMatchObject({ destination: 'email', destinationId: null, causeType: 'rule.fired', attempts: 1, lastError: null });
    const managed = (await t.api('GET', '/v1/rules')).body.data.find((r: any) => r.managed === 'urgent-kinds');
    const firings = (await t.api('GET', `/v1/rules/${managed.id}/firings`)).body.data.filter((f: any) => f.customerId === id);
    expect(firings).toEqual([expect.objectContaining({ id: d.causeId, eventIds: [pushed.results[0].id], deliveries: [expect.objectContaining({ id: d.id })] })]);
    const full = await detail(d.id);
    expect(full.attemptLog).toEqual([expect.objectContaining({
      attempt: 1, trigger: 'initial', outcome: 'delivered', error: null,
      request: expect.objectContaining({ to: ['sec@bakery.example', 'owner@bakery.example'], subject: mail.subject, messageId: mail.messageId }),
      response: expect.objectContaining({ messageId: mail.messageId, accepted: expect.arrayContaining(['sec@bakery.example']), reply: expect.stringMatching(/^250/) }),
    })]);
    expect(JSON.stringify(full)).not.toContain('PRIVATE KEY');

    // The same batch again: duplicates, no second alert.
    expect((await push([event('bakery', { externalId: `x-${seq - 2}` })])).duplicates).toBe(1);
    await sleep(1500);
    expect(sink.to('sec@bakery.example')).toHaveLength(1);
    expect(await deliveries(id)).toHaveLength(1);

    // The digest counts what is not urgent: the cleanup, not the detection.
    const preview = await t.api('POST', '/v1/digests/preview', { body: { customerId: id, cadence: 'daily', at: '2026-11-20T16:05:00Z' } });
    expect(preview.body.counts).toMatchObject({ events: 1, detections: 0 });
  });

  it('polls an urgent event from Monarx: one alert; a re-poll of the same records sends nothing more', async () => {
    const fake = new FakeMonarxServer();
    const baseUrl = await fake.start();
    try {
      fake.addAgents([AGENT]);
      const id = await customer('polled', { cadence: 'weekly', urgentKinds: ['detection'] }, { server: AGENT.host_id, accountUser: 'user0' });
      fake.addFiles(files(5, { start: new Date('2026-11-01T00:00:00Z'), prefix: 'p' })); // users user0 … user4: one is this customer's
      const account = await t.api('POST', '/v1/vendor-accounts', {
        body: {
          vendor: 'monarx', name: 'Monarx', baseUrl, backfillFrom: '2026-10-01T00:00:00Z',
          settings: { enterpriseId: fake.enterpriseId, pageSize: 10, overlapSeconds: 600 }, credentials: { apiId: fake.apiId, apiSecret: fake.apiKey },
        },
      });
      expect(account.status).toBe(201);
      const polled = async () => {
        const before = (await t.api('GET', `/v1/vendor-accounts/${account.body.id}`)).body.lastSuccessAt;
        await t.api('POST', `/v1/vendor-accounts/${account.body.id}/sync`);
        await waitFor(async () => (await t.api('GET', `/v1/vendor-accounts/${account.body.id}`)).body, (a) => a.status === 'ok' && a.lastSuccessAt !== before, 'a poll');
      };
      await polled();
      await waitFor(async () => sink.to('it@polled.example').length, (n) => n === 1, 'the alert of the polled event');
      expect((await sink.to('it@polled.example')[0].parse()).subject).toMatch(/^\[Northwind Hosting\] Critical – Malware detected on \S+: /);
      await polled(); // the overlap window serves the same records again
      await sleep(1500);
      expect(sink.to('it@polled.example')).toHaveLength(1);
      expect(await settle(id, 'delivered')).toHaveLength(1);
    } finally {
      await fake.stop();
    }
  });

  it('sends nothing for an urgent kind while digests are off, for kinds not marked urgent, and for events matched later', async () => {
    const off = await customer('quiet', { cadence: 'off', urgentKinds: ['detection'] });
    const other = await customer('calm', { cadence: 'daily', urgentKinds: ['process_killed'] });
    const late = await customer('later', { cadence: 'daily', urgentKinds: ['detection'] });
    const unmatched = await push([event('quiet'), event('calm'), event('unclaimed')]);
    // The rematch job resolves the unmatched event once a site claims its domain: old news, no alert.
    expect((await t.api('POST', `/v1/customers/${late}/sites`, { body: { domains: ['unclaimed.example'] } })).status).toBe(201);
    await waitFor(async () => (await t.api('GET', `/v1/events/${unmatched.results[2].id}`)).body.customerId, (c) => c === late, 'the rematch');
    await sleep(2000);
    for (const id of [off, other, late]) expect(await deliveries(id)).toEqual([]);
    expect([...sink.received].filter((m) => /quiet|calm|later/.test(m.envelope.to.join()))).toEqual([]);
  });

  it('retries while SMTP is down and delivers once it is back; every attempt is logged with its error', async () => {
    const id = await customer('outage', { cadence: 'daily', urgentKinds: ['detection'] });
    await sink.stop();
    try {
      await push([event('outage')]);
      await waitFor(() => deliveries(id), (d) => d[0]?.status === 'failed' && d[0].attempts >= 2, 'two failed attempts', 30_000);
    } finally {
      await sink.listen();
    }
    const [d] = await settle(id, 'delivered');
    expect(sink.to('it@outage.example')).toHaveLength(1);
    const log = (await detail(d.id)).attemptLog;
    expect(log.length).toBeGreaterThanOrEqual(3);
    expect(log.slice(0, -1).every((a: any) => a.outcome === 'transient_error' && /ECONNREFUSED|connect/i.test(a.error))).toBe(true);
    expect(log.map((a: any) => a.trigger)).toEqual(['initial', ...log.slice(1).map(() => 'retry')]);
    expect(log[log.length - 1]).toMatchObject({ outcome: 'delivered', error: null });
    expect(log[0].request).toMatchObject({ to: ['it@outage.example'] });
  });

  it('a 550 is dead at once and not retried; a replay sends it again and is logged as one', async () => {
    const id = await customer('bounce', { cadence: 'daily', urgentKinds: ['detection'] });
    sink.rejectRecipients.add('it@bounce.example');
    await push([event('bounce')]);
    const [dead] = await settle(id, 'dead');
    expect(dead).toMatchObject({ attempts: 1, lastError: expect.stringContaining('550') });
    await sleep(2500);
    expect((await detail(dead.id)).attemptLog).toEqual([expect.objectContaining({ outcome: 'permanent_error', response: expect.objectContaining({ responseCode: 550 }) })]);
    sink.rejectRecipients.clear();

    const replay = await t.api('POST', `/v1/deliveries/${dead.id}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ status: 'pending', replayRequestedBy: expect.stringMatching(/^api:/) });
    await settle(id, 'delivered');
    expect(sink.to('it@bounce.example')).toHaveLength(1);
    // A delivered one can be replayed too: a deliberate second copy, under its own Message-ID.
    expect((await t.api('POST', `/v1/deliveries/${dead.id}/replay`)).status).toBe(202);
    await waitFor(async () => sink.to('it@bounce.example').length, (n) => n === 2, 'the second replay');
    const log = (await settle(id, 'delivered')) && (await detail(dead.id)).attemptLog;
    expect(log.map((a: any) => [a.attempt, a.trigger, a.outcome])).toEqual([[1, 'initial', 'permanent_error'], [2, 'replay', 'delivered'], [3, 'replay', 'delivered']]);
    expect(log[1].requestedBy).toMatch(/^api:/);
    const ids = await Promise.all(sink.to('it@bounce.example').map(async (m) => (await m.parse()).messageId));
    expect(new Set(ids).size).toBe(2);
  });

  it('a send cut off mid-way (worker died after the claim) is sent once more by the sweep, as the same message (DELIVERY_INTERRUPTED_POLICY=resend)', async () => {
    const id = await customer('crash', { cadence: 'daily', urgentKinds: ['detection'] });
    // The worker that took it died: the row is claimed with a short lease and nobody finishes it.
    const ledger = t.app.get(DeliveryLedger);
    const realClaim = ledger.claim.bind(ledger);
    let crashed = false;
    ledger.claim = async (deliveryId, owner, lease) => {
      if (crashed) return realClaim(deliveryId, owner, lease);
      crashed = true;
      await realClaim(deliveryId, 'crashed-worker', 1);
      throw new Error('worker died mid-send');
    };
    try {
      await push([event('crash')]);
      const [sending] = await waitFor(() => deliveries(id), (d) => d[0]?.status === 'sending', 'the claimed row');
      await sleep(1200);
      await t.app.get(SweepDeliveriesJob).handle(); // (or the every-minute schedule got there first)
      await settle(id, 'delivered');
      const log = (await detail(sending.id)).attemptLog;
      expect(log.map((a: any) => [a.trigger, a.outcome])).toEqual([['initial', 'interrupted'], ['retry', 'delivered']]);
      expect(log[0].error).toContain('cut off');
      expect(sink.to('it@crash.example')).toHaveLength(1);
      // A replay is still the operator's deliberate new copy.
      expect((await t.api('POST', `/v1/deliveries/${sending.id}/replay`)).status).toBe(202);
      await waitFor(async () => sink.to('it@crash.example').length, (n) => n === 2, 'the replay');
    } finally {
      ledger.claim = realClaim;
    }
  });

  it('lists with filters and cursors, needs the write scope to replay, and keeps other organizations out (404)', async () => {
    const all = await t.api('GET', '/v1/deliveries?destination=email&causeType=rule.fired&status=delivered&limit=2');
    expect(all.status).toBe(200);
    expect(all.body.data).toHaveLength(2);
    expect(all.body.nextCursor).toBeTruthy();
    const next = await t.api('GET', `/v1/deliveries?destination=email&causeType=rule.fired&status=delivered&limit=2&cursor=${all.body.nextCursor}`);
    expect(next.body.data.map((d: any) => d.id)).not.toContain(all.body.data[0].id);
    const one = all.body.data[0];
    expect((await t.api('GET', `/v1/deliveries?causeId=${one.causeId}`)).body.data.map((d: any) => d.id)).toEqual([one.id]);
    expect((await t.api('GET', '/v1/deliveries?status=lost')).status).toBe(400);

    const orgB = await t.app.get(OrganizationsService).create('Other Hosting Ltd');
    const keyB = (await t.app.get(ApiKeysService).create(orgB.id, 'b-admin', ['admin'])).key;
    expect((await t.api('GET', `/v1/deliveries/${one.id}`, { key: keyB })).status).toBe(404);
    expect((await t.api('POST', `/v1/deliveries/${one.id}/replay`, { key: keyB })).status).toBe(404);
    expect((await t.api('GET', '/v1/deliveries', { key: keyB })).body.data).toEqual([]);
    const readOnly = (await t.app.get(ApiKeysService).create((await t.api('GET', '/v1/organization')).body.id, 'reader', ['read'])).key;
    expect((await t.api('POST', `/v1/deliveries/${one.id}/replay`, { key: readOnly })).status).toBe(403);
    expect((await t.api('GET', '/v1/deliveries/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
