import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { FakeChannelServer } from './fakes/fake-channel-server';
import { FakeMonarxServer } from './fakes/fake-monarx-server';
import { AGENT } from './support/monarx-records';
import { slackApiFake, slackWebhookFake } from './fakes/fake-slack';
import { pushEvent, testChannel, until } from './support/channel-harness';
import { customerWithSites } from './support/digest-fixtures';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { sleep, waitFor } from './support/wait';

// Contacts with channels of their own, contact groups, rules that target them (each member's channel its own
// delivery, each member's quiet hours their own), and the operator's notices to the notice group.
describe('contacts and contact groups', () => {
  let t: TestApp;
  let keyB: string;
  let sink: SmtpSink;
  const HOOK = '/services/T0001/B0001/contactsSECRET';
  let slack: FakeChannelServer;
  let slackApi: FakeChannelServer;
  const rules: string[] = [];

  beforeAll(async () => {
    sink = await SmtpSink.start();
    slack = await FakeChannelServer.start(slackWebhookFake(HOOK));
    slackApi = await FakeChannelServer.start(slackApiFake('xoxb-1-good', ['C0123']));
    t = await startTestApp({ SMTP_URL: sink.url, RATE_LIMIT_PER_MINUTE: '100000', POLL_MIN_INTERVAL_SECONDS: '1', POLL_BACKOFF_BASE_MS: '200', POLL_BACKOFF_MAX_MS: '1000' });
    const orgB = await t.app.get(OrganizationsService).create('Other Hosting Ltd');
    keyB = (await t.app.get(ApiKeysService).create(orgB.id, 'b-admin', ['admin'])).key;
  });
  afterAll(async () => {
    await t.close();
    await slack.stop();
    await slackApi.stop();
    await sink.stop();
  });
  beforeEach(() => {
    slack.reset();
    slackApi.reset();
    sink.received.length = 0;
  });
  // Every rule hears every event pushed: each test's rules end with it.
  afterEach(async () => {
    for (const id of rules.splice(0)) await t.api('DELETE', `/v1/rules/${id}`);
  });

  const contact = async (body: Record<string, unknown>, key?: string) => {
    const res = await t.api('POST', '/v1/contacts', { body, key });
    if (res.status !== 201) throw new Error(`contact: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const slackChannel = async (contactId: string) => {
    const res = await t.api('POST', `/v1/contacts/${contactId}/channels`, { body: { kind: 'slack', config: { webhookUrl: slack.base + HOOK } } });
    if (res.status !== 201) throw new Error(`channel: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const emailChannel = async (contactId: string, to: string) => {
    const res = await t.api('POST', '/v1/destinations', { body: { contactId, kind: 'email', name: `mail ${to}`, config: { to: [to] } } });
    if (res.status !== 201) throw new Error(`email channel: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const group = async (name: string, memberIds: string[]) => {
    const res = await t.api('POST', '/v1/contact-groups', { body: { name, memberIds } });
    if (res.status !== 201) throw new Error(`group: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const rule = async (body: Record<string, unknown>) => {
    const res = await t.api('POST', '/v1/rules', { body: { name: 'to contacts', trigger: { type: 'event' }, groupWindowSeconds: 0, ...body } });
    if (res.status !== 201) throw new Error(`rule: ${res.status} ${JSON.stringify(res.body)}`);
    rules.push(res.body.id);
    return res.body;
  };
  const firingDeliveries = async (ruleId: string, n: number) => {
    const firings = (await t.api('GET', `/v1/rules/${ruleId}/firings`)).body.data;
    expect(firings).toHaveLength(1);
    expect(firings[0].deliveries).toHaveLength(n);
    return firings[0].deliveries as { id: string; destinationId: string; status: string }[];
  };

  describe('contacts', () => {
    it('creates, lists, updates and deletes a contact; its zone and quiet hours are checked, naming the field', async () => {
      const c = await contact({ name: 'Ana', timeZone: 'Europe/Berlin', quietHours: { start: '22:00', end: '07:00', bypassSeverity: 'critical' } });
      expect(c).toMatchObject({ name: 'Ana', customerId: null, timeZone: 'Europe/Berlin', quietHours: { start: '22:00', end: '07:00', bypassSeverity: 'critical' }, enabled: true });
      expect((await t.api('GET', `/v1/contacts/${c.id}`)).body.name).toBe('Ana');
      expect((await t.api('GET', '/v1/contacts?limit=500')).body.data.map((x: any) => x.id)).toContain(c.id);
      const patched = await t.api('PATCH', `/v1/contacts/${c.id}`, { body: { name: 'Ana B', quietHours: null, enabled: false } });
      expect(patched).toMatchObject({ status: 200, body: { name: 'Ana B', quietHours: null, enabled: false, timeZone: 'Europe/Berlin' } });

      const bad = async (body: Record<string, unknown>, field: string) =>
        expect(await t.api('POST', '/v1/contacts', { body: { name: 'x', ...body } })).toMatchObject({ status: 400, body: { field } });
      await bad({ timeZone: 'Mars/Olympus' }, 'timeZone');
      await bad({ quietHours: { start: '25:00', end: '07:00' } }, 'quietHours.start');
      await bad({ quietHours: { start: '07:00', end: '07:00' } }, 'quietHours.end');
      await bad({ quietHours: { start: '22:00', end: '07:00', bypassSeverity: 'urgent' } }, 'quietHours.bypassSeverity');
      await bad({ quietHours: { start: '22:00', end: '07:00', timeZone: 'UTC' } }, 'quietHours.timeZone');
      await bad({ customerId: '00000000-0000-4000-8000-000000000000' }, 'customerId');
      expect((await t.api('PATCH', `/v1/contacts/${c.id}`, { body: { timeZone: 'nowhere' } }))).toMatchObject({ status: 400, body: { field: 'timeZone' } });

      expect((await t.api('DELETE', `/v1/contacts/${c.id}`)).status).toBe(204);
      expect((await t.api('GET', `/v1/contacts/${c.id}`)).status).toBe(404);
    });

    it("a contact's channel is a destination of any kind: secret masked, subscribed to nothing, deleted with its contact", async () => {
      const c = await contact({ name: 'Ben' });
      const ch = await slackChannel(c.id);
      expect(ch).toMatchObject({ kind: 'slack', contactId: c.id, eventTypes: [], operatorNotices: false, secrets: { webhookUrl: 'encrypted' } });
      expect(ch.name).toBe('Ben (slack)');
      const shown = await t.api('GET', `/v1/destinations/${ch.id}`);
      expect(JSON.stringify(shown.body)).not.toContain('contactsSECRET');
      expect(JSON.stringify((await t.api('GET', `/v1/contacts/${c.id}/channels`)).body)).not.toContain('contactsSECRET');
      expect((await t.api('GET', `/v1/contacts/${c.id}/channels`)).body.data.map((d: any) => d.id)).toEqual([ch.id]);

      // The same checks as any destination, and no organization-wide subscriptions of its own.
      const badConfig = await t.api('POST', `/v1/contacts/${c.id}/channels`, { body: { kind: 'slack', config: { botToken: 'hunter2', channel: 'C1' } } });
      expect(badConfig).toMatchObject({ status: 400, body: { field: 'config.botToken' } });
      const subscribed = await t.api('POST', '/v1/destinations', { body: { contactId: c.id, kind: 'slack', name: 's', config: { webhookUrl: slack.base + HOOK }, eventTypes: ['security_event.created'] } });
      expect(subscribed).toMatchObject({ status: 400, body: { field: 'eventTypes' } });
      expect(await t.api('PATCH', `/v1/destinations/${ch.id}`, { body: { operatorNotices: true } })).toMatchObject({ status: 400, body: { field: 'operatorNotices' } });
      const billing = await t.api('POST', `/v1/contacts/${c.id}/channels`, { body: { kind: 'whmcs', config: {} } });
      expect(billing).toMatchObject({ status: 400, body: { field: 'kind' } });
      const nobody = await t.api('POST', '/v1/destinations', { body: { contactId: '00000000-0000-4000-8000-000000000000', kind: 'email', name: 'm', config: { to: ['a@b.example'] } } });
      expect(nobody).toMatchObject({ status: 400, body: { field: 'contactId' } });

      await t.api('DELETE', `/v1/contacts/${c.id}`);
      expect((await t.api('GET', `/v1/destinations/${ch.id}`)).status).toBe(404);
    });

    it("a customer's contact's channels are that customer's, and follow the contact to another", async () => {
      const cust = await customerWithSites(t, 'chan-cust', { sites: 0 });
      const c = await contact({ name: 'Tech', customerId: cust.customerId });
      const ch = await slackChannel(c.id);
      expect(ch.customerId).toBe(cust.customerId);
      expect((await t.api('GET', `/v1/destinations?customerId=${cust.customerId}`)).body.data.map((d: any) => d.id)).toContain(ch.id);
      expect(await t.api('PATCH', `/v1/destinations/${ch.id}`, { body: { customerId: null } })).toMatchObject({ status: 400, body: { field: 'customerId' } });
      expect((await t.api('PATCH', `/v1/contacts/${c.id}`, { body: { customerId: null } })).body.customerId).toBeNull();
      expect((await t.api('GET', `/v1/destinations/${ch.id}`)).body.customerId).toBeNull();
    });

    it("another organization's contacts and groups are not found, and cannot be members or targets", async () => {
      const mine = await contact({ name: 'Mine' });
      const g = await group('mine', [mine.id]);
      const theirs = await contact({ name: 'Theirs' }, keyB);
      expect((await t.api('GET', `/v1/contacts/${mine.id}`, { key: keyB })).status).toBe(404);
      expect((await t.api('GET', `/v1/contact-groups/${g.id}`, { key: keyB })).status).toBe(404);
      expect((await t.api('PATCH', `/v1/contacts/${mine.id}`, { key: keyB, body: { name: 'x' } })).status).toBe(404);
      expect((await t.api('POST', `/v1/contacts/${mine.id}/channels`, { key: keyB, body: { kind: 'email', config: { to: ['x@y.example'] } } })).status).toBe(404);
      expect((await t.api('GET', '/v1/contacts?limit=500', { key: keyB })).body.data.map((x: any) => x.id)).toEqual([theirs.id]);

      expect(await t.api('POST', '/v1/contact-groups', { body: { name: 'mixed', memberIds: [mine.id, theirs.id] } })).toMatchObject({ status: 400, body: { field: 'memberIds[1]' } });
      expect(await t.api('PATCH', `/v1/contact-groups/${g.id}`, { body: { memberIds: [theirs.id] } })).toMatchObject({ status: 400, body: { field: 'memberIds[0]' } });
      const gB = (await t.api('POST', '/v1/contact-groups', { key: keyB, body: { name: 'theirs', memberIds: [theirs.id] } })).body;
      const r = await t.api('POST', '/v1/rules', { body: { name: 'x', trigger: { type: 'event' }, actions: [{ contactGroupId: gB.id }] } });
      expect(r).toMatchObject({ status: 400, body: { field: 'actions[0].contactGroupId' } });
      expect(await t.api('PATCH', '/v1/organization', { body: { noticeContactGroupId: gB.id } })).toMatchObject({ status: 400, body: { field: 'noticeContactGroupId' } });
      expect(await t.api('POST', '/v1/destinations', { key: keyB, body: { contactId: mine.id, kind: 'email', name: 'm', config: { to: ['a@b.example'] } } })).toMatchObject({ status: 400, body: { field: 'contactId' } });
    });

    it('groups: CRUD with members replaced as a whole; an action names exactly one target', async () => {
      const a = await contact({ name: 'A' });
      const b = await contact({ name: 'B' });
      const g = await group('on-call', [a.id]);
      expect(g).toMatchObject({ name: 'on-call', memberIds: [a.id] });
      const p = await t.api('PATCH', `/v1/contact-groups/${g.id}`, { body: { name: 'billing team', memberIds: [a.id, b.id] } });
      expect(p).toMatchObject({ status: 200, body: { name: 'billing team', memberIds: [a.id, b.id] } });
      expect((await t.api('GET', '/v1/contact-groups?limit=500')).body.data.find((x: any) => x.id === g.id).memberIds).toEqual([a.id, b.id]);
      await t.api('DELETE', `/v1/contacts/${b.id}`);
      expect((await t.api('GET', `/v1/contact-groups/${g.id}`)).body.memberIds).toEqual([a.id]);

      const two = await t.api('POST', '/v1/rules', { body: { name: 'x', trigger: { type: 'event' }, actions: [{ contactGroupId: g.id, contacts: 'customer' }] } });
      expect(two).toMatchObject({ status: 400, body: { field: 'actions[0]' } });
      const who = await t.api('POST', '/v1/rules', { body: { name: 'x', trigger: { type: 'event' }, actions: [{ contacts: 'everyone' }] } });
      expect(who).toMatchObject({ status: 400, body: { field: 'actions[0].contacts' } });
      expect((await t.api('DELETE', `/v1/contact-groups/${g.id}`)).status).toBe(204);
      expect((await t.api('GET', `/v1/contact-groups/${g.id}`)).status).toBe(404);
    });
  });

  it('documents the contact endpoints in the OpenAPI document', async () => {
    const doc = (await t.api('GET', '/docs-json', { key: null })).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/contacts', '/v1/contacts/{id}', '/v1/contacts/{id}/channels', '/v1/contact-groups', '/v1/contact-groups/{id}']));
    expect(Object.keys(doc.components.schemas.ContactView.properties)).toEqual(expect.arrayContaining(['timeZone', 'quietHours', 'customerId']));
    expect(doc.components.schemas.OrganizationView.properties.noticeContactGroupId).toBeDefined();
  });

  describe('rules targeting contacts', () => {
    it("a group of two: one delivery per member's channel, each received (Slack and e-mail through SMTP)", async () => {
      const ana = await contact({ name: 'Ana' });
      const ben = await contact({ name: 'Ben' });
      const off = await contact({ name: 'Off', enabled: false });
      const anaSlack = await slackChannel(ana.id);
      const benMail = await emailChannel(ben.id, 'ben@ops.example');
      await emailChannel(off.id, 'off@ops.example');
      const g = await group('on-call', [ana.id, ben.id, off.id]);
      const r = await rule({ actions: [{ contactGroupId: g.id }] });
      await pushEvent(t, { threatName: 'PHP.Webshell.GroupTest' });

      const [msg] = await until(() => slack.accepted, (a) => a.length === 1, 'the Slack message');
      expect(msg.json.text).toContain('PHP.Webshell.GroupTest');
      const mail = await until(() => sink.received, (m) => m.length === 1, 'the e-mail');
      expect(mail[0].envelope.to).toEqual(['ben@ops.example']);
      const deliveries = await firingDeliveries(r.id, 2);
      expect(deliveries.map((d) => d.destinationId).sort()).toEqual([anaSlack.id, benMail.id].sort());
      await sleep(300);
      expect(sink.received.map((m) => m.envelope.to[0])).not.toContain('off@ops.example');

      // The dry-run lists what the group expands to now (the disabled member left out).
      const dry = await t.api('POST', '/v1/rules/dry-run', { body: { ruleId: r.id, from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() } });
      expect(dry.status).toBe(200);
      expect(dry.body.contactTargets).toHaveLength(1);
      expect(dry.body.contactTargets[0]).toMatchObject({ action: 0, contactGroupId: g.id });
      expect(dry.body.contactTargets[0].channels.map((c: any) => c.destinationId).sort()).toEqual([anaSlack.id, benMail.id].sort());
    });

    it("a member in their quiet hours is held until those end, then sent; the other member's channel goes at once", async () => {
      // Quiet hours from two hours ago to the coming minute, in UTC: held for under a minute.
      if (new Date().getUTCSeconds() > 45) await sleep((61 - new Date().getUTCSeconds()) * 1000);
      const hhmm = (d: Date) => d.toISOString().slice(11, 16);
      const now = new Date();
      const end = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 60_000);
      const asleep = await contact({ name: 'Asleep', timeZone: 'UTC', quietHours: { start: hhmm(new Date(now.getTime() - 2 * 3600_000)), end: hhmm(end), bypassSeverity: 'critical' } });
      const awake = await contact({ name: 'Awake', timeZone: 'UTC' });
      const held = await slackChannel(asleep.id);
      await emailChannel(awake.id, 'awake@ops.example');
      const g = await group('night shift', [asleep.id, awake.id]);
      const r = await rule({ actions: [{ contactGroupId: g.id }] });
      await pushEvent(t, { threatName: 'PHP.Quiet.Test', severity: 'high' });

      await until(() => sink.received, (m) => m.length === 1, 'the awake member’s e-mail');
      const deliveries = await firingDeliveries(r.id, 2);
      const heldOne = deliveries.find((d) => d.destinationId === held.id)!;
      const shown = (await t.api('GET', `/v1/deliveries/${heldOne.id}`)).body;
      expect(shown.status).toBe('pending');
      expect(new Date(shown.nextAttemptAt).toISOString()).toBe(end.toISOString());
      expect(slack.accepted).toHaveLength(0);

      const [msg] = await until(() => slack.accepted, (a) => a.length === 1, 'the held Slack message', 90_000);
      expect(msg.json.text).toContain('PHP.Quiet.Test');
      expect(Date.now()).toBeGreaterThanOrEqual(end.getTime());
    }, 120_000);

    it("the member's bypass severity goes through their quiet hours", async () => {
      const asleep = await contact({ name: 'Bypass', timeZone: 'UTC', quietHours: { start: '00:00', end: '23:59', bypassSeverity: 'critical' } });
      await slackChannel(asleep.id);
      const g = await group('critical only', [asleep.id]);
      await rule({ actions: [{ contactGroupId: g.id }] });
      if (new Date().toISOString().slice(11, 16) === '23:59') await sleep(61_000);
      await pushEvent(t, { threatName: 'PHP.Critical.Test', severity: 'critical' });
      const [msg] = await until(() => slack.accepted, (a) => a.length === 1, 'the critical Slack message');
      expect(msg.json.text).toContain('PHP.Critical.Test');
    }, 90_000);

    it("{contacts: 'customer'} (preset customer-contacts-urgent) reaches that customer's contacts only", async () => {
      const acme = await customerWithSites(t, 'acme-contacts', { sites: 1 });
      const other = await customerWithSites(t, 'other-contacts', { sites: 1 });
      const acmeAdmin = await contact({ name: 'Acme admin', customerId: acme.customerId });
      const otherAdmin = await contact({ name: 'Other admin', customerId: other.customerId });
      const staff = await contact({ name: 'Staff' });
      await emailChannel(acmeAdmin.id, 'admin@acme.example');
      await emailChannel(otherAdmin.id, 'admin@other.example');
      await emailChannel(staff.id, 'staff@ops.example');
      // A customer's contact placed in a group hears of their own customer only.
      const g = await group('everyone', [otherAdmin.id, staff.id]);

      const presets = (await t.api('GET', '/v1/rule-presets')).body.data;
      expect(presets.find((p: any) => p.id === 'customer-contacts-urgent').body.actions).toEqual([{ contacts: 'customer' }]);
      const r = await t.api('POST', '/v1/rules', { body: { preset: 'customer-contacts-urgent' } });
      expect(r.status).toBe(201);
      rules.push(r.body.id);
      const viaGroup = await rule({ actions: [{ contactGroupId: g.id }] });
      expect(r.body).toMatchObject({ actions: [{ contacts: 'customer' }], trigger: { filter: { minSeverity: 'high' } } });

      await pushEvent(t, { domain: acme.domains[0], severity: 'high', threatName: 'PHP.Customer.Test' });
      await until(() => sink.received, (m) => m.length === 2, 'the two e-mails');
      await sleep(500);
      expect(sink.received.map((m) => m.envelope.to[0]).sort()).toEqual(['admin@acme.example', 'staff@ops.example']);
      await firingDeliveries(viaGroup.id, 1);

      // Below the preset's severity: only the group rule.
      sink.received.length = 0;
      await pushEvent(t, { domain: acme.domains[0], severity: 'low', threatName: 'PHP.Low.Test' });
      await until(() => sink.received, (m) => m.length === 1, 'the group e-mail');
      await sleep(500);
      expect(sink.received.map((m) => m.envelope.to[0])).toEqual(['staff@ops.example']);
    });
  });

  describe('notices', () => {
    it("a destination disabled is told to the notice group's channels (before the admin e-mail)", async () => {
      await t.api('PATCH', '/v1/organization', { body: { adminEmail: 'admin@ops.example' } });
      const oncall = await contact({ name: 'On-call' });
      await slackChannel(oncall.id);
      const g = await group('operators', [oncall.id]);
      const set = await t.api('PATCH', '/v1/organization', { body: { noticeContactGroupId: g.id } });
      expect(set).toMatchObject({ status: 200, body: { noticeContactGroupId: g.id } });

      const res = await t.api('POST', '/v1/destinations', { body: { kind: 'slack', name: 'revoked bot', config: { botToken: 'xoxb-1-revoked', channel: 'C0123', apiUrl: `${slackApi.base}/api` } } });
      await testChannel(t, res.body.id);
      expect((await t.api('GET', `/v1/destinations/${res.body.id}`)).body.health.state).toBe('disabled');
      const [notice] = await until(() => slack.accepted, (a) => a.length === 1, 'the notice');
      expect(notice.json.text).toContain('Destination disabled: revoked bot');
      await sleep(300);
      expect(sink.received).toHaveLength(0);

    });

    it('a vendor account refusing its credentials is told once per failure streak, and its recovery once', async () => {
      const monarx = new FakeMonarxServer();
      const baseUrl = await monarx.start();
      monarx.addAgents([AGENT]);
      try {
        const created = await t.api('POST', '/v1/vendor-accounts', {
          body: {
            vendor: 'monarx', name: 'Monarx EU', baseUrl, pollIntervalSeconds: 1, settings: { enterpriseId: monarx.enterpriseId, pageSize: 10 },
            credentials: { apiId: monarx.apiId, apiSecret: 'revoked-secret' },
          },
        });
        expect(created.status).toBe(201);
        const id = created.body.id;
        const [failing] = await until(() => slack.accepted, (a) => a.length === 1, 'the failing notice', 20_000);
        expect(failing.json.text).toContain('Vendor account failing: Monarx EU');
        await waitFor(() => t.api('GET', `/v1/vendor-accounts/${id}`), (r) => r.body.status === 'failing', 'the account failing');
        // Further failed runs of the same streak tell nothing more.
        await t.api('POST', `/v1/vendor-accounts/${id}/sync`);
        await waitFor(() => t.api('GET', `/v1/vendor-accounts/${id}`), (r) => r.body.consecutiveFailures >= 2, 'a second failed run');
        await sleep(500);
        expect(slack.accepted).toHaveLength(1);

        await t.api('PATCH', `/v1/vendor-accounts/${id}`, { body: { credentials: { apiSecret: monarx.apiKey } } });
        await t.api('POST', `/v1/vendor-accounts/${id}/sync`);
        const [, recovered] = await until(() => slack.accepted, (a) => a.length === 2, 'the recovery notice', 20_000);
        expect(recovered.json.text).toContain('Vendor account recovered: Monarx EU');
        const log = await t.api('GET', '/v1/deliveries?limit=500');
        expect(log.body.data.filter((d: any) => d.causeType?.startsWith('vendor_account.')).length).toBe(2);
        await t.api('PATCH', `/v1/vendor-accounts/${id}`, { body: { enabled: false } });
      } finally {
        await monarx.stop();
      }
      expect((await t.api('PATCH', '/v1/organization', { body: { noticeContactGroupId: null } })).body.noticeContactGroupId).toBeNull();
    }, 60_000);
  });
});
