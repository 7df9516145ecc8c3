import { FakeHelpdeskServer } from './fakes/fake-helpdesk-server';
import { freshdeskFake } from './fakes/fake-freshdesk';
import { helpScoutFake } from './fakes/fake-helpscout';
import { osTicketFake } from './fakes/fake-osticket';
import { zendeskFake } from './fakes/fake-zendesk';
import { createChannel } from './support/channel-harness';
import { customerWithSites, Fixture } from './support/digest-fixtures';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';
import { WebhookReceiver } from './support/webhook-receiver';

// Rule actions on helpdesks, through the whole service: a site's infection opens one ticket per incident (Zendesk,
// Freshdesk, osTicket, Help Scout fakes that check requests as the real APIs do), a replay of the same incident adds a
// note to it, the recovery (infected → clean) closes it; a create whose answer is lost (the fake takes it, then never
// answers) is found again, never made twice; refused credentials disable the destination and tell the operator;
// a 429 waits for its Retry-After.
describe('rules into helpdesks', () => {
  let t: TestApp;
  let rx: WebhookReceiver;
  let ops: any;
  const zendesk = zendeskFake('agent@host.example', 'zd-token-1');
  const freshdesk = freshdeskFake('fd-key-1');
  const osticket = osTicketFake('OST-KEY-0123456789');
  const helpscout = helpScoutFake('hs-app', 'hs-secret', 4242);
  let zd: FakeHelpdeskServer;
  let fd: FakeHelpdeskServer;
  let ost: FakeHelpdeskServer;
  let hs: FakeHelpdeskServer;

  beforeAll(async () => {
    [zd, fd, ost, hs, rx] = await Promise.all([
      FakeHelpdeskServer.start(zendesk), FakeHelpdeskServer.start(freshdesk), FakeHelpdeskServer.start(osticket), FakeHelpdeskServer.start(helpscout), WebhookReceiver.start(),
    ]);
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '100000' });
    ops = await createChannel(t, 'webhook', { url: rx.url('/ops') }, { operatorNotices: true });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([zd, fd, ost, hs].map((f) => f.stop()));
    await rx.stop();
  });

  let n = 0;
  // A transition rule scoped to one customer (so that the suites' rules do not fire on each other's sites).
  async function rule(site: Fixture, destinationId: string, params?: Record<string, unknown>): Promise<string> {
    const res = await t.api('POST', '/v1/rules', { body: {
      name: 'Site infected', trigger: { type: 'transition', state: 'infection' }, groupWindowSeconds: 0, scope: { customerIds: [site.customerId] },
      actions: [{ destinationId, ...(params ? { params } : {}) }],
    } });
    if (res.status !== 201) throw new Error(`rule: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }
  async function event(site: Fixture, kind: 'detection' | 'cleanup'): Promise<void> {
    const res = await t.api('POST', '/v1/events', { body: { events: [{
      source: 'helpdesk', externalId: `hd-${process.pid}-${n++}`, kind, severity: 'critical', occurredAt: new Date(Date.now() - 3600_000 + n * 60_000).toISOString(),
      domain: site.domains[0], filePath: '/home/u/public_html/shell.php', threatName: 'PHP.Webshell.WSO',
    }] } });
    if (res.status !== 200) throw new Error(`event: ${res.status} ${JSON.stringify(res.body)}`);
  }
  async function deliveries(destinationId: string): Promise<any[]> {
    return (await t.api('GET', `/v1/deliveries?destinationId=${destinationId}&causeType=rule.fired`)).body.data;
  }
  async function settled(destinationId: string, count: number, what: string): Promise<any[]> {
    return waitFor(() => deliveries(destinationId), (ds) => ds.length === count && ds.every((d) => ['delivered', 'dead'].includes(d.status)), what, 30_000);
  }
  async function log(id: string): Promise<any[]> {
    return (await t.api('GET', `/v1/deliveries/${id}`)).body.attemptLog;
  }
  const byCreation = (ds: any[]) => [...ds].sort((a, b) => a.createdAt.localeCompare(b.createdAt));

  describe('Zendesk', () => {
    it('opens one ticket per incident (requester, tags, Idempotency-Key), comments on a replay of it, solves it at recovery', async () => {
      const site = await customerWithSites(t, 'zd1', { emails: ['owner@zd1.example'] });
      const d = await createChannel(t, 'zendesk', { url: zd.base, email: 'agent@host.example', apiToken: 'zd-token-1' });
      const ruleId = await rule(site, d.id, { subject: 'Malware on {{customer.name}}', priority: 'high', tags: ['malware'], type: 'incident' });
      await event(site, 'detection');
      const [opening] = await settled(d.id, 1, 'the ticket');
      expect(opening.status).toBe('delivered');
      expect(zendesk.tickets.size).toBe(1);
      const [ticket] = [...zendesk.tickets.values()];
      expect(ticket).toMatchObject({ subject: 'Malware on Customer zd1', priority: 'high', type: 'incident', requester: { email: 'owner@zd1.example', name: 'Customer zd1' }, status: 'new' });
      expect(ticket.tags).toEqual(expect.arrayContaining(['hostdigest', 'malware', `hd-rule-${ruleId.replace(/-/g, '').slice(0, 16)}`, expect.stringMatching(/^hd-[0-9a-f]{12}$/)]));
      expect(ticket.comments[0]).toMatchObject({ public: false, body: expect.stringContaining('PHP.Webshell.WSO') });
      const create = zd.to('POST', /^\/api\/v2\/tickets$/)[0];
      expect(create.headers['idempotency-key']).toBe(ticket.external_id);
      expect((await log(opening.id)).at(-1).response).toMatchObject({ did: 'opened', ticket: String(ticket.id) });

      // the same incident once more (the operator replays its delivery): a comment, not a second ticket
      expect((await t.api('POST', `/v1/deliveries/${opening.id}/replay`)).status).toBe(202);
      await waitFor(async () => ticket.comments.length, (c) => c === 2, 'the comment');
      expect(zendesk.tickets.size).toBe(1);

      await event(site, 'cleanup');
      await settled(d.id, 2, 'the recovery');
      expect(zendesk.tickets.size).toBe(1);
      expect(ticket.status).toBe('solved');
      expect(ticket.comments).toHaveLength(3);
      expect(ticket.comments[2].body).toContain('infected → clean');
    });

    it('a lost answer (taken, then no answer past our timeout) is found again by external_id: one ticket', async () => {
      const site = await customerWithSites(t, 'zd2');
      const d = await createChannel(t, 'zendesk', { url: zd.base, email: 'agent@host.example', apiToken: 'zd-token-1', timeoutSeconds: 1, retrySchedule: [1, 1] });
      await rule(site, d.id);
      const before = zendesk.tickets.size;
      zd.stallNext(1);
      await event(site, 'detection');
      const [opening] = await settled(d.id, 1, 'the adopted ticket');
      expect(opening.status).toBe('delivered');
      expect(zendesk.tickets.size).toBe(before + 1);
      const attempts = await log(opening.id);
      expect(attempts[0]).toMatchObject({ outcome: 'transient_error', error: expect.stringMatching(/timeout/) });
      expect(attempts.at(-1).response).toMatchObject({ did: expect.stringMatching(/^adopted/) });
      await event(site, 'cleanup');
      await settled(d.id, 2, 'the recovery');
      expect(zendesk.tickets.size).toBe(before + 1);
      expect([...zendesk.tickets.values()].at(-1)!.status).toBe('solved');
    });

    it('a lost answer the lookup cannot see yet: the retried create carries the same Idempotency-Key and body, Zendesk replays the first ticket', async () => {
      const site = await customerWithSites(t, 'zd5');
      const d = await createChannel(t, 'zendesk', { url: zd.base, email: 'agent@host.example', apiToken: 'zd-token-1', timeoutSeconds: 1, retrySchedule: [1, 1] });
      await rule(site, d.id);
      const before = zendesk.tickets.size;
      zendesk.listLags = true;
      try {
        zd.stallNext(1);
        await event(site, 'detection');
        const [opening] = await settled(d.id, 1, 'the replayed ticket');
        expect(opening.status).toBe('delivered');
      } finally {
        zendesk.listLags = false;
      }
      expect(zendesk.tickets.size).toBe(before + 1);
      const creates = zd.requests.slice(-3).filter((r) => r.method === 'POST');
      expect(creates).toHaveLength(2);
      expect(creates[1].headers['idempotency-key']).toBe(creates[0].headers['idempotency-key']);
      expect(creates[1].body).toBe(creates[0].body);
      expect(creates[1].reply).toMatchObject({ status: 201, headers: { 'x-idempotency-lookup': 'hit' } });
    });

    it("a ticket closed by an agent refuses the recovery's update: permanent, Zendesk's message in the attempt, the destination stays enabled", async () => {
      const site = await customerWithSites(t, 'zd6');
      const d = await createChannel(t, 'zendesk', { url: zd.base, email: 'agent@host.example', apiToken: 'zd-token-1' });
      await rule(site, d.id);
      await event(site, 'detection');
      await settled(d.id, 1, 'the ticket');
      const ticket = [...zendesk.tickets.values()].at(-1)!;
      ticket.status = 'closed';
      await event(site, 'cleanup');
      const [, recovery] = byCreation(await settled(d.id, 2, 'the refused recovery'));
      expect(recovery).toMatchObject({ status: 'dead', attempts: 1, lastError: 'payload: HTTP 422 RecordInvalid: Record validation errors (status: Status: closed prevents ticket update)' });
      expect((await t.api('GET', `/v1/destinations/${d.id}`)).body.health.state).toBe('enabled');
    });

    it('refused credentials disable the destination and tell the operator; no retries', async () => {
      const site = await customerWithSites(t, 'zd3');
      const d = await createChannel(t, 'zendesk', { url: zd.base, email: 'agent@host.example', apiToken: 'wrong' });
      await rule(site, d.id);
      await event(site, 'detection');
      const [dead] = await settled(d.id, 1, 'the refused ticket');
      expect(dead).toMatchObject({ status: 'dead', attempts: 1, lastError: expect.stringContaining("credentials: HTTP 401 Couldn't authenticate you") });
      expect((await t.api('GET', `/v1/destinations/${d.id}`)).body.health).toMatchObject({ state: 'disabled', disabledReason: 'invalid_credentials' });
      const notices = await waitFor(async () => rx.at('/ops').map((r) => JSON.parse(r.body)).filter((m) => m.type === 'destination.disabled' && m.data.destination.id === d.id), (x) => x.length === 1, 'the operator notice');
      expect(notices[0].data).toMatchObject({ reason: 'invalid_credentials' });
    });

    it('the test message checks the token with a read; the token is write-only; config and params are checked when saved', async () => {
      const d = await createChannel(t, 'zendesk', { url: zd.base, email: 'agent@host.example', apiToken: 'zd-token-1' });
      expect(d.secrets).toEqual({ apiToken: 'encrypted' });
      expect(JSON.stringify((await t.api('GET', `/v1/destinations/${d.id}`)).body)).not.toContain('zd-token-1');
      expect((await t.api('POST', `/v1/destinations/${d.id}/test`)).body).toMatchObject({ status: 'delivered' });
      const noMail = await t.api('POST', '/v1/destinations', { body: { kind: 'zendesk', name: 'x', config: { url: zd.base, email: 'agent', apiToken: 'x' } } });
      expect(noMail).toMatchObject({ status: 400, body: { field: 'config.email' } });
      const noBox = await t.api('POST', '/v1/destinations', { body: { kind: 'helpscout', name: 'x', config: { appId: 'a', appSecret: 'b', mailboxId: 'support' } } });
      expect(noBox).toMatchObject({ status: 400, body: { field: 'config.mailboxId' } });
      const site = await customerWithSites(t, 'zd4');
      const bad = await t.api('POST', '/v1/rules', { body: { name: 'x', trigger: { type: 'transition', state: 'infection' }, actions: [{ destinationId: d.id, params: { priority: 'asap' } }] } });
      expect(bad).toMatchObject({ status: 400, body: { field: 'actions[0].params.priority' } });
      const other = await t.api('POST', '/v1/rules', { body: { name: 'x', trigger: { type: 'transition', state: 'infection' }, scope: { customerIds: [site.customerId] }, actions: [{ destinationId: d.id, params: { deptid: 1 } }] } });
      expect(other).toMatchObject({ status: 400, body: { field: 'actions[0].params.deptid' } });
    });
  });

  describe('Freshdesk', () => {
    it('opens a ticket after a 429 waits its Retry-After, notes a replay, resolves at recovery', async () => {
      const site = await customerWithSites(t, 'fd1');
      const d = await createChannel(t, 'freshdesk', { url: fd.base, apiKey: 'fd-key-1' });
      await rule(site, d.id, { priority: 'urgent', type: 'Incident', tags: ['malware'] });
      fd.script({ status: 429, headers: { 'retry-after': '2' }, body: { message: 'You have exceeded the limit of requests per minute' } });
      await event(site, 'detection');
      const [opening] = await settled(d.id, 1, 'the ticket');
      expect(opening.status).toBe('delivered');
      const attempts = await log(opening.id);
      expect(attempts[0]).toMatchObject({ outcome: 'transient_error', error: expect.stringMatching(/^rate_limited: HTTP 429/) });
      expect(attempts[0].response.retryAfterSeconds).toBe(2);
      expect(fd.to('POST', /^\/api\/v2\/tickets$/).map((r) => (r.reply === 'stalled' ? 0 : r.reply.status))).toEqual([429, 201]);
      expect(new Date(attempts[1].startedAt).getTime() - new Date(attempts[0].finishedAt).getTime()).toBeGreaterThanOrEqual(1900);
      expect(freshdesk.tickets.size).toBe(1);
      const [ticket] = [...freshdesk.tickets.values()];
      expect(ticket).toMatchObject({ email: 'it@fd1.example', priority: 4, type: 'Incident', status: 2 });
      expect(ticket.tags).toEqual(expect.arrayContaining(['hostdigest', 'malware']));

      expect((await t.api('POST', `/v1/deliveries/${opening.id}/replay`)).status).toBe(202);
      await waitFor(async () => ticket.notes.length, (c) => c === 1, 'the note');
      expect(ticket.notes[0].private).toBe(true);

      await event(site, 'cleanup');
      await settled(d.id, 2, 'the recovery');
      expect(freshdesk.tickets.size).toBe(1);
      expect(ticket.status).toBe(4);
      expect(ticket.notes).toHaveLength(2);
    });

    it('a lost answer is found again by the incident tag (search API): one ticket; a validation error is permanent with its message', async () => {
      const site = await customerWithSites(t, 'fd2');
      const d = await createChannel(t, 'freshdesk', { url: fd.base, apiKey: 'fd-key-1', timeoutSeconds: 1, retrySchedule: [1, 1] });
      await rule(site, d.id, { closeStatus: 'closed', replyAs: 'reply' });
      const before = freshdesk.tickets.size;
      fd.stallNext(1);
      await event(site, 'detection');
      const [opening] = await settled(d.id, 1, 'the adopted ticket');
      expect((await log(opening.id)).at(-1).response).toMatchObject({ did: expect.stringMatching(/^adopted/) });
      expect(freshdesk.tickets.size).toBe(before + 1);
      expect(fd.to('GET', /^\/api\/v2\/search\/tickets$/)).toHaveLength(1);
      await event(site, 'cleanup');
      await settled(d.id, 2, 'the recovery');
      const ticket = [...freshdesk.tickets.values()].at(-1)!;
      expect(ticket.status).toBe(5);
      expect(ticket.replies).toHaveLength(1);

      const site3 = await customerWithSites(t, 'fd3');
      const d3 = await createChannel(t, 'freshdesk', { url: fd.base, apiKey: 'fd-key-1' });
      await rule(site3, d3.id, { type: 'Malware' });
      await event(site3, 'detection');
      const [refused] = await settled(d3.id, 1, 'the refused ticket');
      expect(refused).toMatchObject({ status: 'dead', attempts: 1 });
      expect(refused.lastError).toMatch(/^payload: HTTP 400 Validation failed \(type: It should be one of these values: Question,Incident/);
      expect((await t.api('GET', `/v1/destinations/${d3.id}`)).body.health.state).toBe('enabled');
    });
  });

  describe('osTicket', () => {
    it('opens a ticket (its number as text); later messages are recorded as skipped, with why', async () => {
      const site = await customerWithSites(t, 'ost1');
      const d = await createChannel(t, 'osticket', { url: ost.base, apiKey: 'OST-KEY-0123456789' });
      await rule(site, d.id, { priority: 2, topicId: 7, subject: 'Malware: {{customer.name}}' });
      await event(site, 'detection');
      const [opening] = await settled(d.id, 1, 'the ticket');
      expect(osticket.tickets).toHaveLength(1);
      expect(osticket.tickets[0]).toMatchObject({ email: 'it@ost1.example', name: 'Customer ost1', subject: 'Malware: Customer ost1', priorityId: 2, topicId: 7 });
      expect(decodeURIComponent(osticket.tickets[0].message.replace(/^data:text\/plain;charset=utf-8,/, ''))).toContain('PHP.Webshell.WSO');
      expect((await log(opening.id)).at(-1).response).toMatchObject({ did: 'opened', ticket: osticket.tickets[0].number });
      await event(site, 'cleanup');
      const [, recovery] = byCreation(await settled(d.id, 2, 'the recovery'));
      expect(recovery.status).toBe('delivered');
      expect((await log(recovery.id)).at(-1).response).toMatchObject({ did: expect.stringContaining('can only create'), ticket: osticket.tickets[0].number });
      expect(osticket.tickets).toHaveLength(1);
    });

    it('a lost answer is not repeated (osTicket cannot be searched): dead with what to check, one ticket; a wrong key disables', async () => {
      const site = await customerWithSites(t, 'ost2');
      const d = await createChannel(t, 'osticket', { url: ost.base, apiKey: 'OST-KEY-0123456789', timeoutSeconds: 1, retrySchedule: [1, 1] });
      await rule(site, d.id);
      const before = osticket.tickets.length;
      ost.stallNext(1);
      await event(site, 'detection');
      const [opening] = await settled(d.id, 1, 'the refused repeat');
      expect(opening).toMatchObject({ status: 'dead', lastError: expect.stringContaining('no second ticket is opened') });
      expect(osticket.tickets).toHaveLength(before + 1);

      const bad = await createChannel(t, 'osticket', { url: ost.base, apiKey: 'WRONG-KEY' });
      expect((await t.api('POST', `/v1/destinations/${bad.id}/test`)).body).toMatchObject({ status: 'dead', error: 'credentials: HTTP 401 API key not authorized' });
      expect((await t.api('GET', `/v1/destinations/${bad.id}`)).body.health.disabledReason).toBe('invalid_credentials');
      const good = await createChannel(t, 'osticket', { url: ost.base, apiKey: 'OST-KEY-0123456789' });
      expect((await t.api('POST', `/v1/destinations/${good.id}/test`)).body).toMatchObject({ status: 'delivered' });
      expect(osticket.tickets).toHaveLength(before + 1);
    });
  });

  describe('Help Scout', () => {
    it('fetches a token once and reuses it; a conversation (Resource-ID), a note on replay, closed at recovery; a revoked token is fetched again', async () => {
      const site = await customerWithSites(t, 'hs1');
      const d = await createChannel(t, 'helpscout', { appId: 'hs-app', appSecret: 'hs-secret', mailboxId: 4242, apiUrl: hs.base });
      await rule(site, d.id, { tags: ['malware'] });
      await event(site, 'detection');
      const [opening] = await settled(d.id, 1, 'the conversation');
      expect(helpscout.conversations.size).toBe(1);
      const [c] = [...helpscout.conversations.values()];
      expect(c).toMatchObject({ mailboxId: 4242, status: 'active', customer: { email: 'it@hs1.example' } });
      expect(c.threads[0].type).toBe('note');
      expect(c.tags).toEqual(expect.arrayContaining(['hostdigest', 'malware']));
      expect((await log(opening.id)).at(-1).response).toMatchObject({ did: 'opened', ticket: String(c.id) });

      expect((await t.api('POST', `/v1/deliveries/${opening.id}/replay`)).status).toBe(202);
      await waitFor(async () => c.threads.length, (x) => x === 2, 'the note');
      expect(helpscout.tokensIssued()).toBe(1);

      helpscout.revoke();
      await event(site, 'cleanup');
      await settled(d.id, 2, 'the recovery');
      expect(c.status).toBe('closed');
      expect(c.threads).toHaveLength(3);
      expect(helpscout.tokensIssued()).toBe(2);
      expect(helpscout.conversations.size).toBe(1);
    });

    it('a 500 is retried; the retry looks first, and a lookup answered with a maintenance page is no "none found": one conversation', async () => {
      const site = await customerWithSites(t, 'hs3');
      const d = await createChannel(t, 'helpscout', { appId: 'hs-app', appSecret: 'hs-secret', mailboxId: 4242, apiUrl: hs.base, retrySchedule: [1, 1, 1] });
      await rule(site, d.id);
      expect((await t.api('POST', `/v1/destinations/${d.id}/test`)).body).toMatchObject({ status: 'delivered' });
      const before = helpscout.conversations.size;
      const mark = hs.requests.length;
      hs.script(
        { status: 500, body: { logRef: 'x', message: 'Internal Server Error' } }, // the create: maybe taken
        { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><h1>Down for maintenance</h1></html>' }, // the lookup
      );
      await event(site, 'detection');
      const [opening] = await settled(d.id, 1, 'the conversation');
      expect(opening.status).toBe('delivered');
      const attempts = await log(opening.id);
      expect(attempts.map((a) => a.outcome)).toEqual(['transient_error', 'transient_error', 'delivered']);
      expect(attempts[0].error).toBe('transient: HTTP 500 Internal Server Error');
      expect(attempts[1].error).toMatch(/^transient: HTTP 200 the conversation list answered without the list asked for/);
      expect(hs.requests.slice(mark).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v2/conversations', 'GET /v2/conversations', 'GET /v2/conversations', 'POST /v2/conversations']);
      expect(helpscout.conversations.size).toBe(before + 1);
    });

    it('a lost answer is found again by the incident tag: one conversation; refused app credentials disable', async () => {
      const site = await customerWithSites(t, 'hs2');
      const d = await createChannel(t, 'helpscout', { appId: 'hs-app', appSecret: 'hs-secret', mailboxId: 4242, apiUrl: hs.base, timeoutSeconds: 1, retrySchedule: [1, 1] });
      await rule(site, d.id);
      const before = helpscout.conversations.size;
      expect((await t.api('POST', `/v1/destinations/${d.id}/test`)).body).toMatchObject({ status: 'delivered' }); // its token, cached
      hs.stallNext(1);
      await event(site, 'detection');
      const [opening] = await settled(d.id, 1, 'the adopted conversation');
      expect(opening.status).toBe('delivered');
      expect(helpscout.conversations.size).toBe(before + 1);
      expect((await log(opening.id)).at(-1).response).toMatchObject({ did: expect.stringMatching(/^adopted/) });

      const bad = await createChannel(t, 'helpscout', { appId: 'hs-app', appSecret: 'nope', mailboxId: 4242, apiUrl: hs.base });
      expect((await t.api('POST', `/v1/destinations/${bad.id}/test`)).body).toMatchObject({ status: 'dead', error: expect.stringMatching(/^credentials: HTTP 401/) });
      expect((await t.api('GET', `/v1/destinations/${bad.id}`)).body.health.disabledReason).toBe('invalid_credentials');
    });
  });
});
