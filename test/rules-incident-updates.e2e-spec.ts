import { FakeChannelServer } from './fakes/fake-channel-server';
import { opsgenieFake } from './fakes/fake-opsgenie';
import { pagerDutyFake } from './fakes/fake-pagerduty';
import { slackWebhookFake } from './fakes/fake-slack';
import { FakeWhmcs } from './fakes/fake-whmcs';
import { createChannel, until } from './support/channel-harness';
import { startTestApp, TestApp } from './support/test-app';
import { sleep, waitFor } from './support/wait';

// A transition rule with `updates: true` keeps one ticket per incident on a WHMCS fake (127.0.0.1, allow-listed, checking
// each call as WHMCS does): the infection opens ONE ticket, later detections on the still infected site (and a cleanup
// that leaves other threats) become replies on it, a burst as one reply, and the cleanup of the last threat closes it.
// Without `updates` nothing is sent between the opening and the recovery. The dry-run lists the same firings.
describe('rules: updates of an open incident as replies on its ticket', () => {
  let t: TestApp;
  let whmcs: FakeWhmcs;
  let seq = 0;
  const ROUTING = 'R0123456789abcdef0123456789abcde';
  const pdHandler = pagerDutyFake(ROUTING);
  const GENIE = 'eb243592-faa2-4ba2-a551-1afdf565c889';
  const genie = opsgenieFake(GENIE);
  const HOOK = '/services/T0001/B0001/updDEF123';
  let pd: FakeChannelServer;
  let og: FakeChannelServer;
  let slack: FakeChannelServer;

  beforeAll(async () => {
    whmcs = await FakeWhmcs.start();
    whmcs.seed(5, () => 1, 'u');
    pd = await FakeChannelServer.start(pdHandler);
    og = await FakeChannelServer.start(genie);
    slack = await FakeChannelServer.start(slackWebhookFake(HOOK));
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '100000' });
  });
  afterAll(async () => {
    await t.close();
    await whmcs.stop();
    await pd.stop();
    await og.stop();
    await slack.stop();
  });

  const destination = async () => {
    const res = await t.api('POST', '/v1/destinations', {
      body: { kind: 'whmcs', name: `whmcs ${seq++}`, config: { url: whmcs.url, identifier: 'whmcs-id', secret: 'whmcs-secret', timeoutSeconds: 2, retrySchedule: [1, 1, 1] } },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const customer = async (externalRef: string) => {
    const domain = `upd-${seq++}.example`;
    const c = await t.api('POST', '/v1/customers', { body: { externalRef, name: `Customer ${externalRef}`, emails: [`it@${domain}`] } });
    expect(c.status).toBe(201);
    expect((await t.api('POST', `/v1/customers/${c.body.id}/sites`, { body: { domains: [domain] } })).status).toBe(201);
    return { customerId: c.body.id as string, domain };
  };
  const ticketRule = async (destinationId: string, customerId: string, updates: boolean) => {
    const res = await t.api('POST', '/v1/rules', {
      body: {
        name: `Ticket per infected site ${seq++}`, groupWindowSeconds: 60,
        trigger: { type: 'transition', state: 'infection', filter: { customerIds: [customerId] }, ...(updates ? { updates: true } : {}) },
        actions: [{
          destinationId,
          params: {
            operation: 'OpenTicket', deptid: 1, subject: 'Malware on {{site.domain}}', closeMessage: 'All clean again on {{site.domain}}.',
            message: '{{#if update}}Still {{to}}: {{/if}}{{#each events}}{{kind}} {{filePath}}; {{/each}}',
          },
        }],
      },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  // Events in event time (an hour ago onwards), one push per call: `files` on the site, `kind` each.
  const T0 = Date.now() - 3600_000;
  const push = async (domain: string, kind: string, minute: number, files: string[]) => {
    const events = files.map((f, i) => ({
      source: 'upd', externalId: `upd-${seq++}`, kind, severity: 'critical', occurredAt: new Date(T0 + minute * 60_000 + i * 1000).toISOString(),
      domain, filePath: f, threatName: 'PHP.Webshell.WSO',
    }));
    expect((await t.api('POST', '/v1/events', { body: { events } })).status).toBe(200);
    return events;
  };
  const firings = async (ruleId: string) => ((await t.api('GET', `/v1/rules/${ruleId}/firings?limit=100`)).body.data as any[]).reverse();
  const ticketsOf = (clientid: number) => whmcs.tickets.filter((x) => x.clientid === clientid);
  const replies = (clientid: number, n: number, what: string) => waitFor(async () => ticketsOf(clientid)[0]?.replies.length ?? 0, (k) => k >= n, what);

  it('opens one ticket, replies with later detections (a burst as one reply) and a partial cleanup, closes it when the last threat is cleaned', async () => {
    const site = await customer('whmcs:1');
    const d = await destination();
    const ruleId = await ticketRule(d, site.customerId, true);

    await push(site.domain, 'detection', 0, ['/a.php']);
    const opened = await waitFor(async () => ticketsOf(1), (x) => x.length === 1, 'the ticket');
    const ticket = opened[0];
    expect(ticket).toMatchObject({ status: 'Open', message: 'detection /a.php; ' });
    expect(ticket.subject).toMatch(/^Malware on upd-\d+\.example \[HD-[0-9a-f]{12}\]$/);

    // two more detections in one push, after the opening's moment: one update, one reply listing both
    await push(site.domain, 'detection', 5, ['/b.php', '/c.php']);
    await replies(1, 1, 'the first update');
    expect(ticket.replies[0]).toMatchObject({ message: 'Still infected: detection /b.php; detection /c.php; ', status: null });
    // the first file detected again, later than the group window: another reply
    const again = await push(site.domain, 'detection', 10, ['/a.php']);
    await replies(1, 2, 'the second update');
    expect(ticket.replies[1].message).toBe('Still infected: detection /a.php; ');
    // a cleanup that leaves /a.php open: still infected, an update
    await push(site.domain, 'cleanup', 15, ['/b.php', '/c.php']);
    await replies(1, 3, 'the cleanup update');
    expect(ticket.replies[2].message).toBe('Still infected: cleanup /b.php; cleanup /c.php; ');
    expect(ticket.status).toBe('Open');
    // the last threat cleaned: the recovery closes the same ticket
    await push(site.domain, 'cleanup', 20, ['/a.php']);
    await waitFor(async () => ticket.status, (s) => s === 'Closed', 'the ticket closed');
    expect(ticket.replies[3]).toMatchObject({ message: `All clean again on ${site.domain}.`, status: 'Closed' });
    expect(ticketsOf(1)).toHaveLength(1);
    expect(whmcs.calls.filter((c) => c.action === 'OpenTicket' && c.params.clientid === '1')).toHaveLength(1);

    // one incident: its opening, three updates (each its own key), the recovery naming it; every one delivered once
    const list = await firings(ruleId);
    expect(list.map((f) => [f.data.to, f.data.update ?? false, f.eventCount, f.status, f.deliveries.length])).toEqual([
      ['infected', false, 1, 'sent', 1], ['infected', true, 2, 'sent', 1], ['infected', true, 1, 'sent', 1], ['infected', true, 2, 'sent', 1], ['clean', false, 1, 'sent', 1],
    ]);
    expect(new Set(list.map((f) => f.incident)).size).toBe(1);
    expect(new Set(list.map((f) => f.dedupeKey)).size).toBe(5);
    expect(list[1].dedupeKey).toMatch(/>update:\d+$/);
    const log = (await t.api('GET', `/v1/deliveries/${list[1].deliveries[0].id}`)).body.attemptLog;
    expect(log[log.length - 1].response).toMatchObject({ operation: 'OpenTicket', did: 'replied', ticket: String(ticket.id) });

    // the same event pushed again (a duplicate push or a re-poll) stores nothing and sends nothing more
    const calls = whmcs.calls.length;
    expect((await t.api('POST', '/v1/events', { body: { events: again } })).status).toBe(200);
    await sleep(1500);
    expect(whmcs.calls.length).toBe(calls);
    expect(await firings(ruleId)).toHaveLength(5);

    // the dry-run over the same events lists the same firings, the updates included
    const dry = await t.api('POST', '/v1/rules/dry-run', { body: { ruleId, from: new Date(T0 - 60_000).toISOString(), to: new Date(T0 + 30 * 60_000).toISOString() } });
    expect(dry.status).toBe(200);
    const key = (f: any) => [f.group ?? f.groupKey, f.incident, f.eventCount, f.suppressed, new Date(f.at ?? f.firstAt).toISOString(), f.data.to, f.data.update ?? false].join(' ');
    expect(dry.body.firings.map(key)).toEqual(list.map(key));
  });

  it('without updates, the detections in between send nothing; turning updates on keeps the open incident and replies from then on', async () => {
    const site = await customer('whmcs:2');
    const d = await destination();
    const ruleId = await ticketRule(d, site.customerId, false);
    await push(site.domain, 'detection', 0, ['/a.php']);
    const [ticket] = await waitFor(async () => ticketsOf(2), (x) => x.length === 1, 'the ticket');
    await push(site.domain, 'detection', 5, ['/b.php']);
    await push(site.domain, 'detection', 10, ['/c.php']);
    await sleep(2000);
    expect(ticket.replies).toHaveLength(0);
    expect(await firings(ruleId)).toHaveLength(1);
    const dry = await t.api('POST', '/v1/rules/dry-run', { body: { ruleId, from: new Date(T0 - 60_000).toISOString(), to: new Date(T0 + 30 * 60_000).toISOString() } });
    expect(dry.body.firings.map((f: any) => [f.data.to, f.data.update ?? false])).toEqual([['infected', false]]);

    // updates turned on for the open incident: it is kept (no second ticket), the next detection is a reply
    const patched = await t.api('PATCH', `/v1/rules/${ruleId}`, { body: { trigger: { type: 'transition', state: 'infection', filter: { customerIds: [site.customerId] }, updates: true } } });
    expect(patched.status).toBe(200);
    await push(site.domain, 'detection', 15, ['/d.php']);
    await replies(2, 1, 'the update after the PATCH');
    expect(ticket.replies[0].message).toBe('Still infected: detection /d.php; ');
    await push(site.domain, 'cleanup', 20, ['/a.php', '/b.php', '/c.php', '/d.php']);
    await waitFor(async () => ticket.status, (s) => s === 'Closed', 'the ticket closed');
    expect(ticket.replies).toHaveLength(2);
    expect(ticketsOf(2)).toHaveLength(1);
    expect((await firings(ruleId)).map((f) => [f.data.to, f.data.update ?? false])).toEqual([['infected', false], ['infected', true], ['clean', false]]);
  });

  it('never opens a ticket for an update: when the opening was refused, an update does nothing', async () => {
    const site = await customer('whmcs:3');
    const d = await destination();
    const ruleId = await ticketRule(d, site.customerId, true);
    whmcs.refuseNext.set('OpenTicket', 'Invalid Department ID');
    await push(site.domain, 'detection', 0, ['/a.php']);
    const byKey = async () => {
      const list = await firings(ruleId);
      return Promise.all(list.flatMap((f) => f.deliveries.map(async (x: any) => ({ to: f.data.to, update: f.data.update ?? false, ...(await t.api('GET', `/v1/deliveries/${x.id}`)).body }))));
    };
    await waitFor(byKey, (ds) => ds.length === 1 && ds[0].status === 'dead', 'the refused opening');
    await push(site.domain, 'detection', 5, ['/b.php']);
    const all = await waitFor(byKey, (ds) => ds.length === 2 && ds.every((x) => ['delivered', 'dead'].includes(x.status)), 'the update');
    const update = all.find((x) => x.update)!;
    expect(update.status).toBe('delivered');
    expect(update.attemptLog[update.attemptLog.length - 1].response).toMatchObject({ did: 'nothing: no ticket was opened for this incident' });
    expect(ticketsOf(3)).toHaveLength(0);
  });

  it('re-triggers paging alerts under the incident key (no second incident) and posts the update to chat', async () => {
    const site = await customer('paging');
    const pager = await createChannel(t, 'pagerduty', { routingKey: ROUTING, apiUrl: pd.base });
    const alerts = await createChannel(t, 'opsgenie', { apiKey: GENIE, apiUrl: og.base });
    const chat = await createChannel(t, 'slack', { webhookUrl: slack.base + HOOK });
    const rule = await t.api('POST', '/v1/rules', { body: {
      name: 'Site infected (on call)', groupWindowSeconds: 60, trigger: { type: 'transition', state: 'infection', filter: { customerIds: [site.customerId] }, updates: true },
      actions: [{ destinationId: pager.id }, { destinationId: alerts.id }, { destinationId: chat.id }],
    } });
    expect(rule.status).toBe(201);
    await push(site.domain, 'detection', 0, ['/a.php']);
    const [opened] = await until(() => pd.accepted, (a) => a.length === 1, 'the trigger');
    await until(() => og.accepted, (a) => a.length === 1, 'the alert');
    await until(() => slack.accepted, (a) => a.length === 1, 'the chat message');
    expect(opened.json).toMatchObject({ event_action: 'trigger', dedup_key: expect.stringMatching(new RegExp(`^rule:${rule.body.id}:`)) });

    await push(site.domain, 'detection', 5, ['/b.php', '/c.php']);
    const [, again] = await until(() => pd.accepted, (a) => a.length === 2, 'the update trigger');
    expect(again.json).toMatchObject({ event_action: 'trigger', dedup_key: opened.json.dedup_key });
    expect(again.json.payload.summary).toContain('update, still infected');
    expect(pdHandler.open.size).toBe(1);
    const [first, raised] = await until(() => og.accepted, (a) => a.length === 2, 'the update alert');
    expect(raised.json.alias).toBe(first.json.alias);
    expect(genie.open.get(first.json.alias)).toBe(2);
    const [, posted] = await until(() => slack.accepted, (a) => a.length === 2, 'the update in chat');
    expect(JSON.stringify(posted.json)).toContain('update, still infected');
    expect(JSON.stringify(posted.json)).toContain('/c.php');

    await push(site.domain, 'cleanup', 10, ['/a.php', '/b.php', '/c.php']);
    const [, , closed] = await until(() => pd.accepted, (a) => a.length === 3, 'the resolve');
    expect(closed.json).toMatchObject({ event_action: 'resolve', dedup_key: opened.json.dedup_key });
    expect(pdHandler.open.size).toBe(0);
    await until(() => genie.open.size, (n) => n === 0, 'the alert closed');
  });

  it('refuses updates where they cannot apply, naming the field', async () => {
    const d = await destination();
    const bad = (trigger: Record<string, unknown>) => t.api('POST', '/v1/rules', { body: { name: 'x', trigger, actions: [{ destinationId: d, params: { operation: 'OpenTicket', deptid: 1 } }] } });
    const agent = await bad({ type: 'transition', state: 'agent', staleHours: 6, updates: true });
    expect(agent.status).toBe(400);
    expect(JSON.stringify(agent.body)).toContain('trigger.updates');
    expect((await bad({ type: 'transition', state: 'infection', updates: 'yes' })).status).toBe(400);
  });

  it('offers the "ticket per infected site" preset as a transition with updates', async () => {
    const presets = (await t.api('GET', '/v1/rule-presets')).body.data as any[];
    expect(presets.find((p) => p.id === 'ticket-per-infected-site')?.body.trigger).toMatchObject({ type: 'transition', state: 'infection', updates: true });
    const d = await destination();
    const res = await t.api('POST', '/v1/rules', { body: { preset: 'ticket-per-infected-site', actions: [{ destinationId: d, params: { operation: 'OpenTicket', deptid: 1 } }] } });
    expect(res.status).toBe(201);
    expect(res.body.trigger).toMatchObject({ updates: true });
  });
});
