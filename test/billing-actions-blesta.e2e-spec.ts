import { FakeBlesta } from './fakes/fake-blesta';
import { startTestApp, TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';
import { waitFor } from './support/wait';

// Rule actions on a Blesta fake (127.0.0.1, allow-listed) that reads PHP form fields and answers with Blesta's
// envelopes: a support_manager ticket per incident (opened with its first reply, replied to, closed), never a second
// when an answer is lost, client notes, a draft invoice at most once per incident; a refused API key disables.
describe('Blesta rule actions', () => {
  let t: TestApp;
  let blesta: FakeBlesta;
  let ops: WebhookReceiver;
  let seq = 0;

  beforeAll(async () => {
    blesta = await FakeBlesta.start();
    blesta.seed(6);
    ops = await WebhookReceiver.start();
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '100000' });
    const notices = await t.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: 'ops', config: { url: ops.url('/ops') }, operatorNotices: true } });
    expect(notices.status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
    await blesta.stop();
    await ops.stop();
  });

  const destination = async (config: Record<string, unknown> = {}) => {
    const res = await t.api('POST', '/v1/destinations', {
      body: { kind: 'blesta', name: `blesta ${seq++}`, config: { url: blesta.url, user: 'hostdigest', key: 'blesta-key-123', timeoutSeconds: 2, retrySchedule: [1, 1, 1, 1], ...config } },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const customer = async (externalRef: string, email?: string) => {
    const domain = `${externalRef.replace(/[^a-z0-9]+/g, '-')}-${seq++}.example`;
    const c = await t.api('POST', '/v1/customers', { body: { externalRef, name: `Customer ${externalRef}`, emails: [email ?? `it@${domain}`] } });
    expect(c.status).toBe(201);
    expect((await t.api('POST', `/v1/customers/${c.body.id}/sites`, { body: { domains: [domain] } })).status).toBe(201);
    return { customerId: c.body.id as string, domain };
  };
  const rule = async (destinationId: string, params: Record<string, unknown>, trigger: Record<string, unknown>) => {
    const res = await t.api('POST', '/v1/rules', { body: { name: `rule ${seq++}`, trigger, groupWindowSeconds: 0, actions: [{ destinationId, params }] } });
    expect(res.status).toBe(201);
  };
  const infection = (customerId: string) => ({ type: 'transition', state: 'infection', filter: { customerIds: [customerId] } });
  const events = (kind: string, customerId: string) => ({ type: 'event', filter: { kinds: [kind], customerIds: [customerId] } });
  const event = async (domain: string, kind: string, file = '/home/u/public_html/shell.php') => {
    const res = await t.api('POST', '/v1/events', {
      body: { events: [{ source: 'bl', externalId: `bl-${seq++}`, kind, severity: 'high', occurredAt: new Date(Date.now() - 3600_000 + seq * 1000).toISOString(), domain, filePath: file, threatName: 'PHP.Mailer.Spam' }] },
    });
    expect(res.status).toBe(200);
  };
  const deliveries = async (destinationId: string) => (await t.api('GET', `/v1/deliveries?destinationId=${destinationId}`)).body.data as any[];
  const settled = (destinationId: string, n: number) =>
    waitFor(() => deliveries(destinationId), (ds) => ds.length >= n && ds.every((d) => ['delivered', 'dead'].includes(d.status)), `${n} settled deliveries`, 30_000);
  const detail = async (id: string) => (await t.api('GET', `/v1/deliveries/${id}`)).body;
  const ticketsOf = (clientId: number) => blesta.tickets.filter((x) => x.client_id === clientId);

  it('opens a ticket with its first reply, replies on a later firing of the incident and closes it at the recovery', async () => {
    const site = await customer('blesta:2');
    const d = await destination();
    await rule(d, { operation: 'ticket', departmentId: 1, priority: 'high', summary: 'Malware on {{site.domain}}', details: '{{#each events}}{{threatName}}: {{filePath}}{{/each}}', staffId: 3 }, infection(site.customerId));
    await event(site.domain, 'detection');
    const [opened] = await settled(d, 1);
    expect(opened.status).toBe('delivered');
    expect(ticketsOf(2)).toHaveLength(1);
    const ticket = ticketsOf(2)[0];
    expect(ticket).toMatchObject({ department_id: 1, priority: 'high', status: 'open' });
    expect(ticket.summary).toMatch(new RegExp(`^Malware on ${site.domain.replace(/\./g, '\\.')} \\[HD-[0-9a-f]{12}\\]$`));
    expect(ticket.replies).toEqual([expect.objectContaining({ details: 'PHP.Mailer.Spam: /home/u/public_html/shell.php', type: 'reply', by: 'staff:3' })]);
    // the form fields as PHP reads them: vars[...] arrays, ids as strings
    expect(blesta.calls.find((c) => c.path.endsWith('support_manager_tickets/add.json'))!.body).toMatchObject({ vars: { department_id: '1', client_id: '2', priority: 'high', status: 'open' } });

    expect((await t.api('POST', `/v1/deliveries/${opened.id}/replay`)).status).toBe(202);
    await waitFor(async () => ticket.replies.length, (n) => n === 2, 'the reply');
    await event(site.domain, 'cleanup');
    await waitFor(async () => ticket.status, (s) => s === 'closed', 'the ticket closed');
    expect(ticket.replies).toHaveLength(3);
    expect(ticketsOf(2)).toHaveLength(1);
  });

  it('a ticket add whose answer was lost is found by its marker and adopted: one ticket', async () => {
    const site = await customer('blesta:3');
    const d = await destination();
    await rule(d, { operation: 'ticket', departmentId: 2 }, infection(site.customerId));
    const adds = () => blesta.count('/api/support_manager.support_manager_tickets/add.json');
    const before = adds();
    blesta.takeThenStall.add('support_manager.support_manager_tickets/add');
    await event(site.domain, 'detection');
    const [first] = await settled(d, 1);
    expect(first.status).toBe('delivered');
    expect(ticketsOf(3)).toHaveLength(1);
    const log = (await detail(first.id)).attemptLog;
    expect(log.map((a: any) => a.outcome)).toEqual(['transient_error', 'delivered']);
    expect(log[1].response.did).toContain('adopted');
    // and the body the lost add never got is its first reply
    expect(ticketsOf(3)[0].replies).toHaveLength(1);
    expect(adds() - before).toBe(1);
  });

  it('a draft invoice at most once per incident: a lost answer is not retried blindly', async () => {
    const site = await customer('blesta:4');
    const d = await destination();
    await rule(d, { operation: 'invoice', description: 'Malware cleanup on {{event.domain}}', amount: '39.90', currency: 'EUR' }, events('cleanup', site.customerId));
    blesta.takeThenStall.add('invoices/add');
    await event(site.domain, 'cleanup', '/a.php');
    const [lost] = await settled(d, 1);
    expect(lost.status).toBe('dead');
    expect((await detail(lost.id)).attemptLog.map((a: any) => a.outcome)).toEqual(['transient_error', 'permanent_error']);
    await event(site.domain, 'cleanup', '/b.php');
    await settled(d, 2);
    const mine = blesta.invoices.filter((i) => i.client_id === 4);
    expect(mine).toHaveLength(2);
    expect(mine[1]).toMatchObject({ currency: 'EUR', status: 'draft', lines: [{ description: `Malware cleanup on ${site.domain}`, qty: '1', amount: '39.90' }] });
    expect(mine[1].note_private).toContain('hostdigest incident rule:');
    expect(blesta.count('/api/invoices/add.json')).toBe(2);
  });

  it('finds the client by e-mail when the customer has no Blesta external_ref, and adds a note', async () => {
    const site = await customer('crm-5', blesta.clients[4].email);
    const d = await destination();
    await rule(d, { operation: 'note', title: 'Monarx: {{event.threatName}}', stickied: true }, events('detection', site.customerId));
    await event(site.domain, 'detection');
    const [done] = await settled(d, 1);
    expect(done.status).toBe('delivered');
    expect(blesta.notes).toEqual([expect.objectContaining({ client_id: 5, title: 'Monarx: PHP.Mailer.Spam', stickied: true })]);
  });

  it('a refused API key disables the destination and tells the operator; no retries', async () => {
    const site = await customer('blesta:1');
    const d = await destination({ key: 'wrong-key' });
    await rule(d, { operation: 'note' }, events('detection', site.customerId));
    await event(site.domain, 'detection');
    const [dead] = await settled(d, 1);
    expect(dead.status).toBe('dead');
    expect((await detail(dead.id)).attemptLog).toHaveLength(1);
    expect((await t.api('GET', `/v1/destinations/${d}`)).body.health).toMatchObject({ state: 'disabled', disabledReason: 'invalid_credentials' });
    await waitFor(async () => ops.received.filter((r) => r.body.includes('destination.disabled') && r.body.includes(d)), (n) => n.length === 1, 'the operator notice');
  });

  it('refuses a rule whose Blesta params cannot work, naming the field', async () => {
    const d = await destination();
    const post = (params: unknown) => t.api('POST', '/v1/rules', { body: { name: 'x', trigger: { type: 'event' }, actions: [{ destinationId: d, params }] } });
    expect((await post({ operation: 'invoice', description: 'x', amount: 5, currency: 'euro' })).body).toMatchObject({ field: 'actions[0].params.currency' });
    expect((await post({ operation: 'ticket' })).body).toMatchObject({ field: 'actions[0].params.departmentId' });
    expect((await post({ operation: 'refund' })).body).toMatchObject({ field: 'actions[0].params.operation' });
    expect((await post({ operation: 'note', title: '{{period.from}}' })).body).toMatchObject({ field: 'actions[0].params.title' });
  });
});
