import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { Clock } from '../src/clock/clock';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { FlushFiringJob } from '../src/rules/flush-firing.job';
import { StaleAgentsJob } from '../src/rules/stale-agents.job';
import { RunSchedulesJob } from '../src/rules/run-schedules.job';
import { customerWithSites, Fixture } from './support/digest-fixtures';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { sleep, waitFor } from './support/wait';
import { WebhookReceiver } from './support/webhook-receiver';

// Rules evaluated as events are stored: each trigger fires once and re-arms, a burst is one delivery per customer,
// re-polls, duplicate pushes and a second replica fire nothing more.
describe('rules: live evaluation at ingestion', () => {
  let a: TestApp;
  let b: TestApp;
  let receiver: WebhookReceiver;
  let sink: SmtpSink;
  let hook: { id: string; signingSecret: string };
  let alpha: Fixture;
  let beta: Fixture;
  let seq = 0;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    sink = await SmtpSink.start();
    const env = { OUTBOUND_ALLOW_HOSTS: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '100000', SMTP_URL: sink.url };
    a = await startTestApp(env, { keepDatabase: true });
    b = await startTestApp(env, { databaseUrl: a.databaseUrl });
    hook = (await a.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: 'ops', config: { url: receiver.url('/rules') } } })).body;
    alpha = await customerWithSites(a, 'ralpha');
    beta = await customerWithSites(a, 'rbeta');
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await receiver.stop();
    await sink.stop();
  });

  const ev = (f: Fixture, kind: string, at: Date | string, o: { site?: number; path?: string; severity?: string; id?: string; threat?: string; server?: string; raw?: unknown } = {}) => ({
    source: 'rtest', externalId: o.id ?? `x${seq++}`, kind, severity: o.severity ?? 'high', occurredAt: new Date(at).toISOString(),
    domain: f.domains[o.site ?? 0], server: o.server, raw: o.raw, filePath: o.path ?? `/home/u/f${seq}.php`, threatName: o.threat ?? 'PHP.Backdoor',
  });
  const push = async (events: unknown[], app: TestApp = a) => {
    const res = await app.api('POST', '/v1/events', { body: { events } });
    expect(res.status).toBe(200);
    return res.body;
  };
  const rule = async (body: Record<string, unknown>) => {
    const res = await a.api('POST', '/v1/rules', { body: { actions: [{ destinationId: hook.id }], ...body } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const firings = async (id: string) => (await a.api('GET', `/v1/rules/${id}/firings?limit=500`)).body.data as any[];
  const received = (ruleId: string) => receiver.at('/rules').map((r) => WebhookReceiver.verify(r, hook.signingSecret) as any).filter((m) => m.data.rule.id === ruleId);
  const minutes = (base: number, m: number) => new Date(base + m * 60_000);
  // The dry-run of the saved rule over the same events decides what live evaluation did.
  const expectDryRunEqualsLive = async (id: string, from: number, to: number) => {
    const res = await a.api('POST', '/v1/rules/dry-run', { body: { ruleId: id, from: new Date(from).toISOString(), to: new Date(to).toISOString() } });
    expect(res.status).toBe(200);
    const key = (f: any) => [f.group ?? f.groupKey, f.incident, f.eventCount, f.suppressed, new Date(f.at ?? f.firstAt).toISOString()].join(' ');
    const live = (await firings(id)).map(key).sort();
    expect(res.body.firings.map(key).sort()).toEqual(live);
    return res.body;
  };

  it('groups a burst of 500 detections in one push into one signed rule.fired delivery per customer, listing 50 and "N more"', async () => {
    const id = await rule({ name: 'burst', trigger: { type: 'event', filter: { kinds: ['detection'], minSeverity: 'high', threatName: 'php.*' } }, groupWindowSeconds: 1 });
    const now = Date.now();
    const batch = [...Array.from({ length: 300 }, (_, i) => ev(alpha, 'detection', new Date(now - 1000 + i))), ...Array.from({ length: 200 }, (_, i) => ev(beta, 'detection', new Date(now - 1000 + i)))];
    batch.push(ev(alpha, 'detection', new Date(now), { severity: 'low' }), ev(alpha, 'cleanup', new Date(now)), ev(alpha, 'detection', new Date(now), { threat: 'JS.Miner' }));
    await push(batch);
    const msgs = await waitFor(async () => received(id), (m) => m.length >= 2, 'two grouped deliveries');
    await sleep(1500);
    expect(received(id)).toHaveLength(2);
    const byCustomer = Object.fromEntries(msgs.map((m) => [m.data.customer.id, m]));
    expect(byCustomer[alpha.customerId]).toMatchObject({ type: 'rule.fired', data: { trigger: 'event', group: alpha.customerId, eventCount: 300, more: 250, suppressed: 0 } });
    expect(byCustomer[alpha.customerId].data.events).toHaveLength(50);
    expect(byCustomer[beta.customerId].data).toMatchObject({ eventCount: 200, more: 150 });
    const listed = await firings(id);
    expect(listed.map((f) => [f.status, f.deliveries.length])).toEqual([['sent', 1], ['sent', 1]]);
    // the same push again (a duplicate or a re-poll) stores nothing and fires nothing
    await push(batch);
    await sleep(1500);
    expect(await firings(id)).toHaveLength(2);
    await expectDryRunEqualsLive(id, now - 60_000, now + 60_000);
    await a.api('POST', `/v1/rules/${id}/disable`);
  });

  it('suppresses repeats within the cooldown and reports how many on the next firing', async () => {
    const id = await rule({ name: 'cooldown', trigger: { type: 'event', filter: { kinds: ['process_killed'] } }, groupWindowSeconds: 0, cooldownSeconds: 3600 });
    const t0 = Date.now() - 3 * 3600_000;
    await push([ev(alpha, 'process_killed', minutes(t0, 0))]);
    await push([ev(alpha, 'process_killed', minutes(t0, 10)), ev(alpha, 'process_killed', minutes(t0, 20))]);
    await push([ev(alpha, 'process_killed', minutes(t0, 61))]);
    const list = (await firings(id)).reverse();
    expect(list.map((f) => [f.eventCount, f.suppressed])).toEqual([[1, 0], [1, 2]]);
    expect((await expectDryRunEqualsLive(id, t0, t0 + 3600_000 * 2)).suppressed).toBe(2);
    await a.api('POST', `/v1/rules/${id}/disable`);
  });

  it('fires a threshold when the count crosses N, not after, and again once the window drained below N', async () => {
    const id = await rule({ name: 'threshold', trigger: { type: 'threshold', filter: { kinds: ['cleanup'] }, count: 3, windowSeconds: 3600, groupBy: 'customer' }, groupWindowSeconds: 0 });
    const t0 = Date.now() - 10 * 3600_000;
    for (const m of [0, 1, 2, 3, 4]) await push([ev(beta, 'cleanup', minutes(t0, m))]);
    expect(await firings(id)).toHaveLength(1);
    for (const m of [120, 121]) await push([ev(beta, 'cleanup', minutes(t0, m))]);
    expect(await firings(id)).toHaveLength(1);
    await push([ev(beta, 'cleanup', minutes(t0, 122))]);
    const list = (await firings(id)).reverse();
    expect(list.map((f) => [f.groupKey, f.data.count])).toEqual([[beta.customerId, 3], [beta.customerId, 3]]);
    await expectDryRunEqualsLive(id, t0, t0 + 3 * 3600_000);
    await a.api('POST', `/v1/rules/${id}/disable`);
  });

  it('fires a site transition clean → infected and, when every threat is cleaned, infected → clean naming the incident', async () => {
    const id = await rule({ name: 'transition', trigger: { type: 'transition', state: 'infection' }, groupWindowSeconds: 0 });
    const t0 = Date.now() - 20 * 3600_000;
    await push([ev(alpha, 'detection', minutes(t0, 0), { site: 1, path: '/a.php' })]);
    await push([ev(alpha, 'detection', minutes(t0, 1), { site: 1, path: '/b.php' })]);
    await push([ev(alpha, 'cleanup', minutes(t0, 2), { site: 1, path: '/a.php' })]);
    expect(await firings(id)).toHaveLength(1);
    await push([ev(alpha, 'quarantine', minutes(t0, 3), { site: 1, path: '/b.php' })]);
    await push([ev(alpha, 'cleanup', minutes(t0, 4), { site: 1, path: '/b.php' })]);
    const list = (await firings(id)).reverse();
    expect(list.map((f) => [f.groupKey, f.data.from, f.data.to])).toEqual([[alpha.siteIds[1], 'clean', 'infected'], [alpha.siteIds[1], 'infected', 'clean']]);
    expect(list[1].incident).toBe(list[0].incident);
    await expectDryRunEqualsLive(id, t0, t0 + 3600_000);
    await a.api('POST', `/v1/rules/${id}/disable`);
  });

  it('fires once when two replicas ingest the same stream at the same time', async () => {
    const id = await rule({ name: 'replicas', trigger: { type: 'threshold', filter: { kinds: ['file_deleted'] }, count: 5, windowSeconds: 3600, groupBy: 'organization' }, groupWindowSeconds: 0 });
    const t0 = Date.now() - 30 * 3600_000;
    const stream = Array.from({ length: 12 }, (_, i) => ev(i % 2 ? alpha : beta, 'file_deleted', minutes(t0, i)));
    for (let i = 0; i < stream.length; i += 3) {
      const part = stream.slice(i, i + 3);
      await Promise.all([push(part, a), push(part, b), push(part, a)]);
    }
    expect(await firings(id)).toHaveLength(1);
    await a.api('POST', `/v1/rules/${id}/disable`);
  });

  it('holds firings in quiet hours and sends them as one message at their end; a critical one bypasses them', async () => {
    const id = await rule({ name: 'quiet', trigger: { type: 'event', filter: { kinds: ['process_blocked'] } }, groupWindowSeconds: 0, quietHours: { start: '22:00', end: '07:00', timeZone: 'UTC', bypassSeverity: 'critical' } });
    const clock = a.app.get(Clock);
    const real = clock.now;
    const day = new Date().toISOString().slice(0, 10);
    const night = new Date(`${day}T23:00:00Z`);
    clock.now = () => night;
    try {
      await push([ev(alpha, 'process_blocked', new Date(night.getTime() - 60_000), { severity: 'high' })]);
      await push([ev(beta, 'process_blocked', new Date(night.getTime() - 30_000), { severity: 'medium' })]);
      await push([ev(beta, 'process_blocked', night, { severity: 'critical' })]);
      let list = (await firings(id)).reverse();
      const morning = new Date(night.getTime() + 8 * 3600_000);
      expect(list.map((f) => [f.status, f.sendAt, f.deliveries.length])).toEqual([
        ['held', morning.toISOString(), 0], ['held', morning.toISOString(), 0], ['sent', night.toISOString(), 1],
      ]);
      // the job the engine runs at 07:00 (queued for then): every held firing of the rule goes out as one message
      clock.now = () => morning;
      await a.app.get(FlushFiringJob).handle({ firingId: list[0].id });
      list = (await firings(id)).reverse();
      expect(list.map((f) => f.status)).toEqual(['sent', 'sent', 'sent']);
      expect(list[0].deliveries).toHaveLength(1);
      const msgs = await waitFor(async () => received(id), (m) => m.length === 2, 'the bypass and the grouped message');
      const grouped = msgs.find((m) => m.data.heldByQuietHours);
      expect(grouped.data.firings.map((f: any) => f.customer.id)).toEqual([alpha.customerId, beta.customerId]);
    } finally {
      clock.now = real;
    }
    await a.api('POST', `/v1/rules/${id}/disable`);
  });

  it('turns a silent agent stale by the scheduled sweep, once, and back on its next event naming the incident', async () => {
    const id = await rule({ name: 'stale', trigger: { type: 'transition', state: 'agent', staleHours: 2 }, groupWindowSeconds: 0 });
    const sweep = a.app.get(StaleAgentsJob);
    const now = Date.now();
    await push([ev(alpha, 'detection', new Date(now - 5 * 3600_000), { server: 'web-quiet' }), ev(beta, 'detection', new Date(now - 3600_000), { server: 'web-busy' })]);
    expect(await firings(id)).toHaveLength(0);
    await sweep.handle();
    await sweep.handle(); // a second sweep (or another replica's) fires nothing more
    let list = await firings(id);
    expect(list.map((f) => [f.groupKey, f.data.from, f.data.to, f.firstAt])).toEqual([['web-quiet', 'reporting', 'stale', new Date(now - 3 * 3600_000).toISOString()]]);
    await push([ev(alpha, 'cleanup', new Date(now), { server: 'web-quiet' })]);
    list = (await firings(id)).reverse();
    expect(list.map((f) => [f.groupKey, f.data.to])).toEqual([['web-quiet', 'stale'], ['web-quiet', 'reporting']]);
    expect(list[1].incident).toBe(list[0].incident);
    await expectDryRunEqualsLive(id, now - 6 * 3600_000, now + 60_000);
    await a.api('POST', `/v1/rules/${id}/disable`);
  });

  it("runs a schedule at 09:00 in the customer's zone through the DST change, once per run, with the period's counters", async () => {
    const ny = await customerWithSites(a, 'rnewyork', { timeZone: 'America/New_York', sites: 1 });
    const id = await rule({ name: 'daily', trigger: { type: 'schedule', cron: '0 9 * * *' }, scope: { customerIds: [ny.customerId] }, groupWindowSeconds: 0 });
    const clock = a.app.get(Clock);
    const real = clock.now;
    const job = a.app.get(RunSchedulesJob);
    const at = async (iso: string) => {
      clock.now = () => new Date(iso);
      await job.handle();
    };
    try {
      await at('2027-03-13T14:00:30Z'); // Saturday 09:00 EST
      await at('2027-03-13T14:05:00Z');
      await at('2027-03-14T12:59:00Z'); // Sunday 08:59 EDT: not yet
      await at('2027-03-14T13:00:30Z'); // Sunday 09:00 EDT
      await at('2027-03-14T13:01:00Z');
    } finally {
      clock.now = real;
    }
    const list = (await firings(id)).reverse();
    expect(list.map((f) => [f.groupKey, f.incident, f.data.period.from, f.data.period.to])).toEqual([
      [ny.customerId, '2027-03-13T14:00:00.000Z', '2027-03-12T14:00:00.000Z', '2027-03-13T14:00:00.000Z'],
      [ny.customerId, '2027-03-14T13:00:00.000Z', '2027-03-13T14:00:00.000Z', '2027-03-14T13:00:00.000Z'],
    ]);
    expect(list[0].data.counters).toMatchObject({ events: 0, detections: 0 });
    const msgs = await waitFor(async () => received(id), (m) => m.length === 2, 'two scheduled messages');
    expect(msgs.map((m) => m.data.period.to).sort()).toEqual(['2027-03-13T14:00:00.000Z', '2027-03-14T13:00:00.000Z']);
    await a.api('POST', `/v1/rules/${id}/disable`);
  });

  it("creates working rules from presets, and fires only on its own organization's events", async () => {
    const res = await a.api('POST', '/v1/rules', { body: { preset: 'ticket-malicious-process-killed', actions: [{ destinationId: hook.id }], groupWindowSeconds: 0 } });
    expect(res.status).toBe(201);
    const id = res.body.id;
    const orgB = await a.app.get(OrganizationsService).create('Rules Other Ltd');
    const keyB = (await a.app.get(ApiKeysService).create(orgB.id, 'b', ['admin'])).key;
    const now = Date.now() - 40 * 3600_000;
    // the other organization's events, even for a domain this one knows, are not this rule's
    const other = await a.api('POST', '/v1/events', { key: keyB, body: { events: [ev(alpha, 'process_killed', new Date(now), { severity: 'critical' })] } });
    expect(other.status).toBe(200);
    expect(await firings(id)).toHaveLength(0);
    await push([ev(alpha, 'process_killed', new Date(now), { severity: 'low' }), ev(alpha, 'process_killed', new Date(now + 1000), { severity: 'critical' })]);
    const list = await firings(id);
    expect(list.map((f) => [f.groupKey, f.eventCount])).toEqual([[alpha.customerId, 1]]);
    expect((await a.api('GET', `/v1/rules/${id}/firings`, { key: keyB })).status).toBe(404);
    await a.api('POST', `/v1/rules/${id}/disable`);
  });

  it("e-mails a firing to an e-mail destination through the rule.fired template, in the customer's brand and locale", async () => {
    const mail = await a.api('POST', '/v1/destinations', { body: { kind: 'email', name: 'noc', config: { to: ['noc@ops.example'] } } });
    expect(mail.status).toBe(201);
    const id = await rule({ name: 'Restored files', trigger: { type: 'event', filter: { kinds: ['file_restored'] } }, groupWindowSeconds: 0, actions: [{ destinationId: mail.body.id }] });
    await push([ev(beta, 'file_restored', new Date(Date.now() - 50 * 3600_000), { severity: 'high', threat: 'PHP.Dropper' })]);
    const got = await waitFor(async () => sink.received.filter((m) => m.envelope.to.includes('noc@ops.example')), (m) => m.length === 1, 'the rule e-mail');
    const parsed = await got[0].parse();
    expect(parsed.subject).toContain('Restored files');
    expect(parsed.subject).toContain('Customer rbeta');
    expect(parsed.text).toContain('PHP.Dropper');
    const [f] = await firings(id);
    expect(f.deliveries).toHaveLength(1);
    await a.api('POST', `/v1/rules/${id}/disable`);
  });

  it('counts events matched to a customer later into thresholds and site states, but sends nothing new for them', async () => {
    const gamma = await customerWithSites(a, 'rgamma', { sites: 1 });
    // gamma's: an event of gamma's matched later must not come through as new
    const onNew = await rule({ name: 'new detections', trigger: { type: 'event', filter: { kinds: ['quarantine'], customerIds: [gamma.customerId] } }, groupWindowSeconds: 0 });
    const threshold = await rule({ name: 'later threshold', trigger: { type: 'threshold', filter: { kinds: ['quarantine'] }, count: 3, windowSeconds: 86400, groupBy: 'customer' }, groupWindowSeconds: 0 });
    const t0 = Date.now() - 60 * 3600_000;
    const late = { ...gamma, domains: ['rgamma-late.example'] };
    await push([ev(late, 'quarantine', minutes(t0, 0)), ev(late, 'quarantine', minutes(t0, 1))]); // no site has that domain yet
    expect(await firings(onNew)).toHaveLength(0);
    const site = await a.api('POST', `/v1/customers/${gamma.customerId}/sites`, { body: { domains: ['rgamma-late.example'] } });
    expect(site.status).toBe(201);
    await waitFor(async () => (await a.db.dataSource.query(`SELECT count(*)::int AS n FROM events WHERE domain = 'rgamma-late.example' AND customer_id IS NOT NULL`))[0].n, (n) => n === 2, 'the rematch');
    expect(await firings(onNew)).toHaveLength(0);
    expect(await firings(threshold)).toHaveLength(0);
    await push([ev(late, 'quarantine', minutes(t0, 2))]);
    expect((await firings(threshold)).map((f) => [f.groupKey, f.data.count])).toEqual([[gamma.customerId, 3]]);
    expect(await firings(onNew)).toHaveLength(1);
    for (const id of [onNew, threshold]) await a.api('POST', `/v1/rules/${id}/disable`);
  });

  it('starts the groups of a rule afresh when its trigger changes', async () => {
    const id = await rule({ name: 'changing', trigger: { type: 'threshold', filter: { kinds: ['process_blocked'] }, count: 3, windowSeconds: 86400, groupBy: 'customer' }, groupWindowSeconds: 0 });
    const t0 = Date.now() - 80 * 3600_000;
    await push([ev(beta, 'process_blocked', minutes(t0, 0)), ev(beta, 'process_blocked', minutes(t0, 1))]);
    const patched = await a.api('PATCH', `/v1/rules/${id}`, { body: { trigger: { type: 'threshold', filter: { kinds: ['process_blocked'] }, count: 2, windowSeconds: 86400, groupBy: 'customer' } } });
    expect(patched.status).toBe(200);
    await push([ev(beta, 'process_blocked', minutes(t0, 2))]);
    expect(await firings(id)).toHaveLength(0); // counted from the change: one event so far
    await push([ev(beta, 'process_blocked', minutes(t0, 3))]);
    expect((await firings(id)).map((f) => f.data.count)).toEqual([2]);
    await a.api('POST', `/v1/rules/${id}/disable`);
  });

  it('fires protection changes per site both ways, and infection rolled up per customer only when its first site falls and its last recovers', async () => {
    const delta = await customerWithSites(a, 'rdelta', { sites: 2 });
    const protection = await rule({ name: 'protection', trigger: { type: 'transition', state: 'protection' }, groupWindowSeconds: 0 });
    const rollup = await rule({ name: 'customer infection', trigger: { type: 'transition', state: 'infection', rollup: 'customer', filter: { customerIds: [delta.customerId] } }, groupWindowSeconds: 0 });
    const t0 = Date.now() - 90 * 3600_000;
    await push([ev(delta, 'protection_changed', minutes(t0, 0), { site: 0, raw: { mode: 'protect' } })]);
    await push([ev(delta, 'protection_changed', minutes(t0, 1), { site: 0, raw: { mode: 'off' } })]);
    await push([ev(delta, 'protection_changed', minutes(t0, 2), { site: 0, raw: { mode: 'protect' } })]);
    expect((await firings(protection)).reverse().map((f) => [f.groupKey, f.data.to])).toEqual([[delta.siteIds[0], 'unprotected'], [delta.siteIds[0], 'protected']]);
    await push([ev(delta, 'detection', minutes(t0, 3), { site: 0, path: '/x.php' })]);
    await push([ev(delta, 'detection', minutes(t0, 4), { site: 1, path: '/y.php' })]);
    await push([ev(delta, 'cleanup', minutes(t0, 5), { site: 0, path: '/x.php' })]);
    expect(await firings(rollup)).toHaveLength(1);
    await push([ev(delta, 'cleanup', minutes(t0, 6), { site: 1, path: '/y.php' })]);
    const list = (await firings(rollup)).reverse();
    expect(list.map((f) => [f.groupKey, f.data.from, f.data.to])).toEqual([[delta.customerId, 'clean', 'infected'], [delta.customerId, 'infected', 'clean']]);
    await expectDryRunEqualsLive(protection, t0, t0 + 3600_000);
    await expectDryRunEqualsLive(rollup, t0, t0 + 3600_000);
    for (const id of [protection, rollup]) await a.api('POST', `/v1/rules/${id}/disable`);
  });

  it("sends a customer's own destination that customer's firings only", async () => {
    const own = await a.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: 'alpha portal', customerId: alpha.customerId, config: { url: receiver.url('/alpha-portal') } } });
    expect(own.status).toBe(201);
    const id = await rule({ name: 'to portals', trigger: { type: 'event', filter: { kinds: ['file_deleted'], minSeverity: 'critical' } }, groupWindowSeconds: 0, actions: [{ destinationId: own.body.id }, { destinationId: hook.id }] });
    const t0 = Date.now() - 100 * 3600_000;
    await push([ev(beta, 'file_deleted', minutes(t0, 0), { severity: 'critical' }), ev(alpha, 'file_deleted', minutes(t0, 1), { severity: 'critical' })]);
    const list = await firings(id);
    const byGroup = Object.fromEntries(list.map((f) => [f.groupKey, f.deliveries.map((d: any) => d.destinationId).sort()]));
    expect(byGroup).toEqual({ [alpha.customerId]: [own.body.id, hook.id].sort(), [beta.customerId]: [hook.id] });
    await a.api('POST', `/v1/rules/${id}/disable`);
  });
});
