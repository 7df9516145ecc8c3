import { FakeWhmcs } from './fakes/fake-whmcs';
import { startTestApp, TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';
import { waitFor } from './support/wait';

// Rule actions on a WHMCS fake (127.0.0.1, allow-listed) that checks each call as WHMCS does: a ticket per incident
// (opened, replied to, closed at the recovery), never a second one when an answer is lost, a billable item at most once
// per incident, notes, notification events and e-mails; refused credentials and IPs disable the destination.
describe('WHMCS rule actions', () => {
  let t: TestApp;
  let whmcs: FakeWhmcs;
  let ops: WebhookReceiver;
  let seq = 0;

  beforeAll(async () => {
    whmcs = await FakeWhmcs.start();
    whmcs.seed(5, () => 1, 'w');
    ops = await WebhookReceiver.start();
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '100000' });
    const notices = await t.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: 'ops', config: { url: ops.url('/ops') }, operatorNotices: true } });
    expect(notices.status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
    await whmcs.stop();
    await ops.stop();
  });

  const destination = async (config: Record<string, unknown> = {}, url = whmcs.url) => {
    const res = await t.api('POST', '/v1/destinations', {
      body: { kind: 'whmcs', name: `whmcs ${seq++}`, config: { url, identifier: 'whmcs-id', secret: 'whmcs-secret', timeoutSeconds: 2, retrySchedule: [1, 1, 1, 1], ...config } },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const rule = async (destinationId: string, params: Record<string, unknown>, trigger: Record<string, unknown>) => {
    const res = await t.api('POST', '/v1/rules', { body: { name: `Site infected ${seq++}`, trigger, groupWindowSeconds: 0, actions: [{ destinationId, params }] } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const event = async (domain: string, kind: string, file = '/home/u/public_html/shell.php') => {
    const res = await t.api('POST', '/v1/events', {
      body: { events: [{ source: 'wh', externalId: `wh-${seq++}`, kind, severity: 'critical', occurredAt: new Date(Date.now() - 3600_000 + seq * 1000).toISOString(), domain, filePath: file, threatName: 'PHP.Webshell.WSO' }] },
    });
    expect(res.status).toBe(200);
  };
  // A customer with one site; its external_ref says which billing client it is (or not).
  const customer = async (externalRef: string) => {
    const domain = `${externalRef.replace(/[^a-z0-9]+/g, '-')}-${seq++}.example`;
    const c = await t.api('POST', '/v1/customers', { body: { externalRef, name: `Customer ${externalRef}`, emails: [`it@${domain}`] } });
    expect(c.status).toBe(201);
    expect((await t.api('POST', `/v1/customers/${c.body.id}/sites`, { body: { domains: [domain] } })).status).toBe(201);
    return { customerId: c.body.id as string, domains: [domain] };
  };
  const infection = (customerId: string) => ({ type: 'transition', state: 'infection', filter: { customerIds: [customerId] } });
  const events = (kind: string, customerId: string) => ({ type: 'event', filter: { kinds: [kind], customerIds: [customerId] } });
  const deliveries = async (destinationId: string) => (await t.api('GET', `/v1/deliveries?destinationId=${destinationId}`)).body.data as any[];
  const settled = (destinationId: string, n: number) =>
    waitFor(() => deliveries(destinationId), (ds) => ds.length >= n && ds.every((d) => ['delivered', 'dead'].includes(d.status)), `${n} settled deliveries`, 30_000);
  const detail = async (id: string) => (await t.api('GET', `/v1/deliveries/${id}`)).body;
  const ticketsOf = (clientid: number) => whmcs.tickets.filter((x) => x.clientid === clientid);

  it('opens one ticket per incident for the customer\'s client, replies to it on a later firing and closes it at the recovery', async () => {
    const site = await customer('whmcs:2');
    const d = await destination();
    await rule(d, {
      operation: 'OpenTicket', deptid: 2, priority: 'High', subject: 'Malware on {{site.domain}}', message: '**{{customer.name}}**: {{#each events}}{{threatName}} in {{filePath}}{{/each}}',
      closeStatus: 'Closed', closeMessage: 'All clean again on {{site.domain}}.',
    }, infection(site.customerId));
    await event(site.domains[0], 'detection');
    const [opened] = await settled(d, 1);
    expect(opened.status).toBe('delivered');
    expect(ticketsOf(2)).toHaveLength(1);
    const ticket = ticketsOf(2)[0];
    expect(ticket).toMatchObject({ deptid: 2, priority: 'High', markdown: true, status: 'Open', message: '**Customer whmcs:2**: PHP.Webshell.WSO in /home/u/public_html/shell.php' });
    expect(ticket.subject).toMatch(new RegExp(`^Malware on ${site.domains[0].replace(/\./g, '\\.')} \\[HD-[0-9a-f]{12}\\]$`));
    const log = (await detail(opened.id)).attemptLog;
    expect(log[log.length - 1].response).toMatchObject({ operation: 'OpenTicket', clientid: '2', did: 'opened', ticket: String(ticket.id), tid: ticket.tid });

    // the same incident again (the operator replays its delivery): a reply on that ticket, not a second ticket
    expect((await t.api('POST', `/v1/deliveries/${opened.id}/replay`)).status).toBe(202);
    await waitFor(async () => ticket.replies.length, (n) => n === 1, 'the reply');
    expect(ticketsOf(2)).toHaveLength(1);
    expect(ticket.replies[0]).toMatchObject({ by: 'client:2', status: null });

    // the recovery: a closing reply that sets the status, on the same ticket
    await event(site.domains[0], 'cleanup');
    await waitFor(async () => ticket.status, (s) => s === 'Closed', 'the ticket closed');
    expect(ticket.replies[1]).toMatchObject({ message: `All clean again on ${site.domains[0]}.`, status: 'Closed' });
    expect(ticketsOf(2)).toHaveLength(1);
    expect(whmcs.count('OpenTicket')).toBe(1);
  });

  it('a ticket whose answer was lost (taken, then no answer past our timeout) is found by its marker and adopted, never opened twice', async () => {
    const site = await customer('whmcs:3');
    const d = await destination();
    await rule(d, { operation: 'OpenTicket', deptid: 1 }, infection(site.customerId));
    const opens = whmcs.count('OpenTicket');
    whmcs.takeThenStall.add('OpenTicket');
    await event(site.domains[0], 'detection');
    const [first] = await settled(d, 1);
    expect(first.status).toBe('delivered');
    expect(ticketsOf(3)).toHaveLength(1);
    expect(whmcs.count('OpenTicket') - opens).toBe(1);
    const log = (await detail(first.id)).attemptLog;
    expect(log.map((a: any) => a.outcome)).toEqual(['transient_error', 'delivered']);
    expect(log[1].response).toMatchObject({ did: expect.stringContaining('adopted'), ticket: String(ticketsOf(3)[0].id) });
    // the recovery closes the adopted ticket
    await event(site.domains[0], 'cleanup');
    await waitFor(async () => ticketsOf(3)[0].status, (s) => s === 'Closed', 'the adopted ticket closed');
  });

  it('creates a billable item at most once per incident: a lost answer fails for good with a message for the operator', async () => {
    const site = await customer('whmcs:4');
    const d = await destination();
    await rule(d, { operation: 'AddBillableItem', description: 'Malware cleanup on {{event.domain}}', amount: 49, invoiceaction: 'nextinvoice' }, events('cleanup', site.customerId));
    whmcs.takeThenStall.add('AddBillableItem');
    await event(site.domains[0], 'cleanup', '/a.php');
    const [lost] = await settled(d, 1);
    expect(lost.status).toBe('dead');
    const log = (await detail(lost.id)).attemptLog;
    expect(log.map((a: any) => a.outcome)).toEqual(['transient_error', 'permanent_error']);
    expect(log[1].error).toContain('got no answer');
    const mine = () => whmcs.billables.filter((b) => b.clientid === 4);
    expect(mine()).toHaveLength(1);
    expect(mine()[0]).toMatchObject({ description: `Malware cleanup on ${site.domains[0]}`, amount: '49.00', unit: 'quantity', quantity: '1', invoiceaction: 'nextinvoice' });

    // another incident is billed, also when its first try met a maintenance page (WHMCS never ran it: retried, once
    // created); replaying its delivery bills nothing more
    whmcs.maintenance = 1;
    await event(site.domains[0], 'cleanup', '/b.php');
    const both = await settled(d, 2);
    const billed = both.find((x) => x.id !== lost.id)!;
    expect(billed.status).toBe('delivered');
    expect((await detail(billed.id)).attemptLog.map((a: any) => a.outcome)).toEqual(['transient_error', 'delivered']);
    expect(mine()).toHaveLength(2);
    expect((await t.api('POST', `/v1/deliveries/${billed.id}/replay`)).status).toBe(202);
    await waitFor(async () => (await detail(billed.id)).attemptLog, (l) => l.length === 3 && l[2].outcome === 'delivered', 'the replay');
    expect((await detail(billed.id)).attemptLog[2].response.did).toContain('exists already');
    expect(mine()).toHaveLength(2);
    // the stalled one, the one the maintenance page turned away, the one created; none by the replay
    expect(whmcs.calls.filter((c) => c.action === 'AddBillableItem' && c.params.clientid === '4')).toHaveLength(3);
  });

  it('two actions of one rule on the same WHMCS (a ticket and a billable item) are both carried out', async () => {
    const site = await customer('whmcs:5');
    const d = await destination();
    const res = await t.api('POST', '/v1/rules', { body: {
      name: 'ticket and bill', trigger: events('cleanup', site.customerId), groupWindowSeconds: 0,
      actions: [{ destinationId: d, params: { operation: 'OpenTicket', deptid: 1 } }, { destinationId: d, params: { operation: 'AddBillableItem', description: 'Cleanup', amount: 25 } }],
    } });
    expect(res.status).toBe(201);
    await event(site.domains[0], 'cleanup', '/two.php');
    const ds = await settled(d, 2);
    expect(ds.map((x) => x.status)).toEqual(['delivered', 'delivered']);
    expect(ticketsOf(5)).toHaveLength(1);
    expect(whmcs.billables.filter((b) => b.clientid === 5)).toHaveLength(1);
  });

  it('an older WHMCS counts billable items in hours (billableUnits: hours)', async () => {
    const old = await FakeWhmcs.start({ billableUnits: 'hours' });
    old.seed(2, () => 1, 'o');
    try {
      const site = await customer('whmcs-old:1');
      const d = await destination({ billableUnits: 'hours', customerRefPrefix: 'whmcs-old' }, old.url);
      await rule(d, { operation: 'AddBillableItem', description: 'Cleanup', amount: '20.5', quantity: 2 }, events('cleanup', site.customerId));
      await event(site.domains[0], 'cleanup');
      await settled(d, 1);
      expect(old.billables).toEqual([expect.objectContaining({ clientid: 1, amount: '20.50', hours: '2', unit: null })]);
      expect(old.calls.find((c) => c.action === 'AddBillableItem')!.params).not.toHaveProperty('unit');
    } finally {
      await old.stop();
    }
  });

  it('finds the client of a customer without a WHMCS external_ref by its domain, once, then adds notes, notifications and e-mails', async () => {
    const site = await customer('crm-77');
    // the fake's client 5 hosts this domain
    whmcs.products.push({ id: 900, clientid: 5, domain: site.domains[0], serverhostname: 'web1.host.example', username: 'crm77', status: 'Active' });
    const d = await destination();
    const trigger = events('detection', site.customerId);
    await rule(d, { operation: 'AddClientNote', notes: 'Monarx: {{event.threatName}} on {{event.domain}}', sticky: true }, trigger);
    await rule(d, {
      operation: 'TriggerNotificationEvent', identifier: 'monarx.detection', title: 'Threat on {{event.domain}}', message: '{{customer.name}}', statusStyle: 'danger',
      attributes: [{ label: 'Client', value: '{{customer.externalRef}}' }, { label: 'File', value: '{{event.filePath}}' }],
    }, trigger);
    await rule(d, { operation: 'SendEmail', subject: 'Security notice for {{event.domain}}', message: '<p>We removed {{event.threatName}}.</p>' }, trigger);
    const lookups = () => whmcs.calls.filter((c) => c.action === 'GetClientsProducts' && c.params.domain === site.domains[0]).length;
    await event(site.domains[0], 'detection', '/x.php');
    await settled(d, 3);
    const first = lookups();
    expect(first).toBeGreaterThanOrEqual(1); // the three actions of one firing may each look it up, concurrently
    await event(site.domains[0], 'detection', '/y.php');
    const ds = await settled(d, 6);
    // then it is remembered: the next firing asks no more
    expect(lookups()).toBe(first);
    expect(ds.map((x) => x.status)).toEqual(Array(6).fill('delivered'));
    expect(whmcs.notes.filter((n) => n.userid === 5)).toEqual([
      expect.objectContaining({ notes: `Monarx: PHP.Webshell.WSO on ${site.domains[0]}`, sticky: true }),
      expect.objectContaining({ sticky: true }),
    ]);
    expect(whmcs.notifications.filter((n) => n.identifier === 'monarx.detection')).toHaveLength(2);
    expect(whmcs.notifications[0]).toMatchObject({ title: `Threat on ${site.domains[0]}`, message: 'Customer crm-77', statusStyle: 'danger', attributes: [{ label: 'Client', value: 'crm-77' }, { label: 'File', value: '/x.php' }] });
    expect(whmcs.emails.filter((e) => e.id === 5)).toEqual([
      { customtype: 'general', subject: `Security notice for ${site.domains[0]}`, message: '<p>We removed PHP.Webshell.WSO.</p>', id: 5 },
      expect.objectContaining({ id: 5 }),
    ]);
  });

  it('result=error with HTTP 200 is a failure with WHMCS\'s message; a maintenance page is retried', async () => {
    const site = await customer('whmcs:1');
    const d = await destination();
    await rule(d, { operation: 'AddClientNote' }, events('detection', site.customerId));
    whmcs.refuseNext.set('AddClientNote', 'Notes can not be empty');
    await event(site.domains[0], 'detection', '/r.php');
    const [refused] = await settled(d, 1);
    expect(refused.status).toBe('dead');
    expect((await detail(refused.id)).attemptLog[0]).toMatchObject({ outcome: 'permanent_error', error: 'WHMCS AddClientNote: Notes can not be empty' });

    whmcs.maintenance = 1;
    await event(site.domains[0], 'detection', '/m.php');
    const ds = await settled(d, 2);
    const retried = ds.find((x) => x.id !== refused.id)!;
    expect(retried.status).toBe('delivered');
    expect((await detail(retried.id)).attemptLog.map((a: any) => [a.outcome, a.error?.includes('not JSON') ?? null])).toEqual([['transient_error', true], ['delivered', null]]);
  });

  it.each([
    ['bad credentials', { secret: 'wrong' }, true, 'Authentication Failed'],
    ['an IP not on the allow-list', {}, false, 'Invalid IP 127.0.0.1'],
  ])('%s: the destination is disabled, the operator told, and nothing is retried', async (_what, config, allowedIp, message) => {
    const fake = await FakeWhmcs.start({ allowedIp });
    fake.seed(1, () => 1, 'b');
    try {
      const prefix = allowedIp ? 'whmcs-creds' : 'whmcs-ip';
      const site = await customer(`${prefix}:1`);
      const d = await destination({ ...config, customerRefPrefix: prefix }, fake.url);
      await rule(d, { operation: 'OpenTicket', deptid: 1 }, events('detection', site.customerId));
      await event(site.domains[0], 'detection', '/c.php');
      const [dead] = await settled(d, 1);
      expect(dead.status).toBe('dead');
      const log = (await detail(dead.id)).attemptLog;
      expect(log).toHaveLength(1);
      expect(log[0].error).toContain(message);
      expect((await t.api('GET', `/v1/destinations/${d}`)).body.health).toMatchObject({ state: 'disabled', disabledReason: 'invalid_credentials' });
      const notice = await waitFor(async () => ops.received.filter((r) => r.body.includes('destination.disabled') && r.body.includes(d)), (n) => n.length === 1, 'the operator notice');
      expect(JSON.parse(notice[0].body).data).toMatchObject({ destination: { id: d }, reason: 'invalid_credentials' });
      expect(fake.tickets).toHaveLength(0);
      expect(fake.count('OpenTicket')).toBe(1);
    } finally {
      await fake.stop();
    }
  });
});
