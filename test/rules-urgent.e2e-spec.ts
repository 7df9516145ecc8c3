import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { DeliveryOutbox } from '../src/deliveries/delivery-outbox';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { ManagedUrgentRule1764853000000 } from '../migrations/1764853000000-ManagedUrgentRule';
import { customerWithSites, Fixture, subscribe } from './support/digest-fixtures';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { sleep, waitFor } from './support/wait';

// The customers' urgentKinds setting is served by a rule the service keeps (managed: 'urgent-kinds'): one alert.urgent
// e-mail per urgent event to the customer's recipients, through the rule engine (firings, dry-run, the pipeline), once
// whatever the replicas, re-polls or late matches.
describe('rules: urgentKinds served by the managed urgent-kinds rule', () => {
  let a: TestApp;
  let b: TestApp;
  let sink: SmtpSink;
  let urgent: Fixture;
  let seq = 0;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    const env = { SMTP_URL: sink.url, RATE_LIMIT_PER_MINUTE: '100000', DELIVERY_RETRY_SCHEDULE: '1,1,1,1,1' };
    a = await startTestApp(env, { keepDatabase: true });
    b = await startTestApp(env, { databaseUrl: a.databaseUrl });
    urgent = await customerWithSites(a, 'urgent', { sites: 1 });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await sink.stop();
  });

  const ev = (domain: string, kind = 'detection', over: Record<string, unknown> = {}) => ({
    source: 'utest', externalId: `u${seq++}`, kind, severity: 'critical', occurredAt: new Date(Date.now() - 60_000 + seq).toISOString(),
    domain, filePath: `/home/u/public_html/shell${seq}.php`, threatName: 'PHP.Webshell.WSO', ...over,
  });
  const push = async (events: unknown[], app: TestApp = a) => {
    const res = await app.api('POST', '/v1/events', { body: { events } });
    expect(res.status).toBe(200);
    return res.body;
  };
  const managed = async (app: TestApp = a, key?: string) => ((await app.api('GET', '/v1/rules?limit=100', { key })).body.data as any[]).filter((r) => r.managed === 'urgent-kinds');
  const firingsOf = async (customerId: string) => {
    const [rule] = await managed();
    return ((await a.api('GET', `/v1/rules/${rule.id}/firings?limit=500`)).body.data as any[]).filter((f) => f.customerId === customerId);
  };
  const settled = (customerId: string, n: number) =>
    waitFor(() => firingsOf(customerId), (f) => f.length === n && f.every((x) => x.deliveries.length === 1 && x.deliveries[0].status === 'delivered'), `${n} firings delivered`, 30_000);

  it("creates the managed rule when a customer first marks a kind urgent, once per organization even from two replicas at once, listed read-only", async () => {
    expect(await managed()).toEqual([]);
    await subscribe(a, urgent.customerId, { cadence: 'weekly', urgentKinds: ['detection'], recipients: ['sec@urgent.example'] });
    const [rule] = await managed();
    expect(rule).toMatchObject({
      enabled: true, trigger: { type: 'event', filter: { urgentKindsOfCustomer: true } }, actions: [{ recipients: 'customer', templateKind: 'alert.urgent' }],
      groupWindowSeconds: 0, cooldownSeconds: 0, quietHours: null,
    });
    for (const [method, path, body] of [['PATCH', `/v1/rules/${rule.id}`, { cooldownSeconds: 60 }], ['DELETE', `/v1/rules/${rule.id}`], ['POST', `/v1/rules/${rule.id}/disable`]] as const) {
      const res = await a.api(method, path, body ? { body } : {});
      expect([res.status, res.body.field]).toEqual([400, 'managed']);
    }

    // Another organization: its customers set urgent kinds through both replicas at once.
    const org = await a.app.get(OrganizationsService).create('Two Replicas Hosting');
    const key = (await a.app.get(ApiKeysService).create(org.id, 'admin', ['admin'])).key;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await a.api('POST', '/v1/customers', { key, body: { externalRef: `r${i}`, name: `R ${i}`, emails: [`r${i}@two.example`] } })).body.id);
    const puts = await Promise.all(ids.map((id, i) => (i % 2 ? b : a).api('PUT', `/v1/customers/${id}/digest-settings`, { key, body: { cadence: 'daily', urgentKinds: ['detection'] } })));
    expect(puts.map((p) => p.status)).toEqual(ids.map(() => 200));
    expect(await managed(b, key)).toHaveLength(1);
    expect(await managed()).toEqual([rule]); // each organization its own
  });

  it('e-mails each urgent event once from the alert.urgent template, to the recipients at the time of the event; its firing lists the event and the delivery', async () => {
    await sink.stop(); // held until the recipients have changed
    let pushed: any;
    try {
      pushed = await push([ev(urgent.domains[0]), ev(urgent.domains[0]), ev(urgent.domains[0], 'cleanup', { severity: null })]);
      await subscribe(a, urgent.customerId, { cadence: 'weekly', urgentKinds: ['detection'], recipients: ['later@urgent.example'] });
    } finally {
      await sink.listen();
    }
    const firings = await settled(urgent.customerId, 2);
    expect(firings.map((f) => f.eventIds).sort()).toEqual([[pushed.results[0].id], [pushed.results[1].id]].sort());
    expect(firings.every((f) => f.eventCount === 1 && f.status === 'sent')).toBe(true);
    const mails = sink.to('sec@urgent.example');
    expect(mails).toHaveLength(2);
    expect(sink.to('later@urgent.example')).toHaveLength(0);
    expect((await mails[0].parse()).subject).toMatch(/^\[[^\]]+\] Critical – Malware detected on urgent\.example: PHP\.Webshell\.WSO$/);
    const d = (await a.api('GET', `/v1/deliveries/${firings[0].deliveries[0].id}`)).body;
    expect(d).toMatchObject({ destination: 'email', destinationId: null, causeType: 'rule.fired', causeId: firings[0].id, customerId: urgent.customerId });
    expect(d.attemptLog[d.attemptLog.length - 1]).toMatchObject({ outcome: 'delivered', request: expect.objectContaining({ to: ['sec@urgent.example'] }) });
  });

  it('two replicas ingesting the same events at once send one e-mail per event', async () => {
    const f = await customerWithSites(a, 'twin', { sites: 1 });
    await subscribe(a, f.customerId, { cadence: 'daily', urgentKinds: ['detection'] });
    const events = Array.from({ length: 5 }, () => ev(f.domains[0]));
    const [ra, rb] = await Promise.all([push(events, a), push(events, b)]);
    expect(ra.created + rb.created).toBe(5);
    await settled(f.customerId, 5);
    await sleep(1500);
    const ids = await Promise.all(sink.to('it@twin.example').map(async (m) => (await m.parse()).messageId));
    expect([ids.length, new Set(ids).size]).toEqual([5, 5]);
  });

  it("dry-runs the managed rule like any rule: the same firings as live, from each customer's settings", async () => {
    const [rule] = await managed();
    const from = new Date(Date.now() - 3600_000).toISOString();
    const res = await a.api('POST', '/v1/rules/dry-run', { body: { ruleId: rule.id, from, to: new Date(Date.now() + 60_000).toISOString() } });
    expect(res.status).toBe(200);
    const live = ((await a.api('GET', `/v1/rules/${rule.id}/firings?limit=500`)).body.data as any[]).map((f) => `${f.groupKey} ${f.incident}`).sort();
    expect(live).toHaveLength(7); // the two and the five of the tests above
    expect(res.body.firings.map((f: any) => `${f.group} ${f.incident}`).sort()).toEqual(live);
  });

  it('a duplicate push, an event matched later by the rematch job, a kind not urgent and digests off send nothing', async () => {
    const late = await customerWithSites(a, 'late', { sites: 1 });
    await subscribe(a, late.customerId, { cadence: 'daily', urgentKinds: ['detection'] });
    const off = await customerWithSites(a, 'off', { sites: 1 });
    await subscribe(a, off.customerId, { cadence: 'off', urgentKinds: ['detection'] });
    const first = ev(late.domains[0]);
    await push([first]);
    await settled(late.customerId, 1);
    const unclaimed = ev('unclaimed-urgent.example');
    const again = await push([first, unclaimed, ev(late.domains[0], 'quarantine'), ev(off.domains[0])]);
    expect(again.duplicates).toBe(1);
    expect((await a.api('POST', `/v1/customers/${late.customerId}/sites`, { body: { domains: ['unclaimed-urgent.example'] } })).status).toBe(201);
    await waitFor(async () => (await a.api('GET', `/v1/events/${again.results[1].id}`)).body.customerId, (c) => c === late.customerId, 'the rematch');
    await sleep(2000);
    expect(await firingsOf(late.customerId)).toHaveLength(1);
    expect(await firingsOf(off.customerId)).toEqual([]);
    expect(sink.to('it@late.example')).toHaveLength(1);
    expect(sink.to('it@off.example')).toHaveLength(0);
  });

  it("lets any rule send to the customer's own recipients (rule.fired), and refuses a bad target with a 400 naming the field", async () => {
    const f = await customerWithSites(a, 'own', { sites: 1, emails: ['boss@own.example'] });
    const bad = await a.api('POST', '/v1/rules', { body: { name: 'x', trigger: { type: 'event' }, actions: [{ recipients: 'everyone' }] } });
    expect([bad.status, bad.body.field]).toEqual([400, 'actions[0].recipients']);
    const grouped = await a.api('POST', '/v1/rules', { body: { name: 'x', trigger: { type: 'event' }, actions: [{ recipients: 'customer', templateKind: 'alert.urgent' }] } });
    expect([grouped.status, grouped.body.field]).toEqual([400, 'actions[0].templateKind']);
    const created = await a.api('POST', '/v1/rules', {
      body: { name: 'Killed processes to the customer', trigger: { type: 'event', filter: { kinds: ['process_killed'] } }, groupWindowSeconds: 0, actions: [{ recipients: 'customer' }] },
    });
    expect(created.status).toBe(201);
    await push([ev(f.domains[0], 'process_killed', { process: '/usr/bin/perl x.pl' }), ev('nobody.example', 'process_killed')]);
    await waitFor(async () => sink.to('boss@own.example').length, (n) => n === 1, 'the rule.fired e-mail');
    const firings = (await a.api('GET', `/v1/rules/${created.body.id}/firings`)).body.data as any[];
    // the event of no customer fired too, but has nobody to write to
    expect(firings.map((x) => [x.customerId, x.deliveries.length]).sort()).toEqual([[f.customerId, 1], [null, 0]].sort());
    await a.api('DELETE', `/v1/rules/${created.body.id}`);
  });

  it('a delivery written before urgent alerts were a rule (cause event.urgent) is still sent as the same alert', async () => {
    const outbox = a.app.get(DeliveryOutbox);
    const organizationId = (await a.api('GET', '/v1/organization')).body.id;
    const payload = {
      to: ['legacy@urgent.example'],
      event: {
        id: '424242', kind: 'detection', severity: 'high', threatName: 'PHP.Legacy.Shell', filePath: '/home/u/old.php', process: null, server: null,
        domain: urgent.domains[0], siteId: urgent.siteIds[0], siteDomain: urgent.domains[0], occurredAt: new Date().toISOString(),
      },
    };
    await a.db.transaction(async (em) => {
      const rows: { id: string }[] = await em.query(
        outbox.insertSql(`SELECT $1::uuid, $2::uuid, 'email', 'event.urgent', '424242', 'event.urgent:424242:email', $3::jsonb`),
        [organizationId, urgent.customerId, JSON.stringify(payload)],
      );
      await outbox.queue(em, rows.map((r) => r.id));
    });
    await waitFor(async () => sink.to('legacy@urgent.example').length, (n) => n === 1, 'the legacy alert');
    expect((await sink.to('legacy@urgent.example')[0].parse()).subject).toMatch(/High – Malware detected on urgent\.example: PHP\.Legacy\.Shell$/);
  });

  it('the migration gives existing urgentKinds settings their rule', async () => {
    const qr = a.db.dataSource.createQueryRunner();
    try {
      const migration = new ManagedUrgentRule1764853000000();
      await migration.down(qr);
      await migration.up(qr);
    } finally {
      await qr.release();
    }
    const [rule] = await managed();
    expect(rule).toMatchObject({ trigger: { type: 'event', filter: { urgentKindsOfCustomer: true } }, actions: [{ recipients: 'customer', templateKind: 'alert.urgent' }] });
    await push([ev(urgent.domains[0])]);
    await waitFor(async () => sink.to('later@urgent.example').length, (n) => n === 1, 'an alert through the migrated rule');
  });
});
