import { FakeChannelServer } from './fakes/fake-channel-server';
import { discordFake, discordRateLimit } from './fakes/fake-discord';
import { googleChatFake } from './fakes/fake-google-chat';
import { slackApiFake, slackWebhookFake } from './fakes/fake-slack';
import { teamsFake } from './fakes/fake-teams';
import { createChannel, lastAttempt, pushEvent, testChannel, until } from './support/channel-harness';
import { startTestApp, TestApp } from './support/test-app';

// Chat channels against fakes of their APIs on 127.0.0.1: created through the API, tested, subscribed to
// security_event.created, and each channel's own error answers classified for the pipeline.
describe('chat channels', () => {
  let t: TestApp;
  const HOOK = '/services/T0001/B0001/abcDEF123';
  let slackHook: FakeChannelServer;
  let slackApi: FakeChannelServer;
  let discord: FakeChannelServer;
  let teams: FakeChannelServer;
  let gchat: FakeChannelServer;

  beforeAll(async () => {
    slackHook = await FakeChannelServer.start(slackWebhookFake(HOOK));
    slackApi = await FakeChannelServer.start(slackApiFake('xoxb-1-good', ['C0123', '#alerts']));
    discord = await FakeChannelServer.start(discordFake('123456789', 'tok-EN_good'));
    teams = await FakeChannelServer.start(teamsFake('wf1', 'sig-good'));
    gchat = await FakeChannelServer.start(googleChatFake('AAAA', 'key-good', 'tok-good'));
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000', SLACK_BOT: 'xoxb-1-good', ENV_REFERENCE_GRANTS: '*:SLACK_BOT' });
  });
  afterAll(async () => {
    await t.close();
    for (const f of [slackHook, slackApi, discord, teams, gchat]) await f.stop();
  });
  beforeEach(() => {
    for (const f of [slackHook, slackApi, discord, teams, gchat]) f.reset();
  });

  const hostile = { filePath: '/home/x/<script>alert(1)</script> <!channel>.php', threatName: '@everyone <!here> <https://evil.example|click> *bold* [x](https://evil.example)' };

  describe('Slack', () => {
    it('incoming webhook: the URL is write-only; the test posts {text} as JSON and the webhook answers "ok"', async () => {
      const d = await createChannel(t, 'slack', { webhookUrl: slackHook.base + HOOK });
      expect(d.config).toEqual({});
      expect(d.secrets).toEqual({ webhookUrl: 'encrypted' });
      expect(JSON.stringify(d)).not.toContain('abcDEF123');
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'delivered', outcome: 'delivered', statusCode: 200, response: 'ok' });
      expect(slackHook.last.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(Object.keys(slackHook.last.json)).toEqual(['text']);
      expect(slackHook.last.json.text).toMatch(/^\*\[.+\] Test message: slack \w+\*\nThis is a test message for the destination/);
    });

    it('bot token: chat.postMessage with Bearer and the channel, never link_names or parse=full', async () => {
      const d = await createChannel(t, 'slack', { botToken: 'xoxb-1-good', channel: 'C0123', apiUrl: `${slackApi.base}/api` });
      expect(d.config).toEqual({ channel: 'C0123', apiUrl: `${slackApi.base}/api` });
      expect(d.secrets).toEqual({ botToken: 'encrypted' });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'delivered', statusCode: 200 });
      const req = slackApi.last;
      expect(req.headers.authorization).toBe('Bearer xoxb-1-good');
      expect(req.json).toMatchObject({ channel: 'C0123', unfurl_links: false });
      expect(req.json.link_names).toBeUndefined();
      expect(req.json.parse).toBeUndefined();
    });

    it('a subscribed destination gets each security_event.created, hostile data entity-escaped (no <!channel>, <!here>, links)', async () => {
      const d = await createChannel(t, 'slack', { webhookUrl: slackHook.base + HOOK }, { eventTypes: ['security_event.created'] });
      expect(d.eventTypes).toEqual(['security_event.created']);
      await pushEvent(t, hostile);
      const [req] = await until(() => slackHook.accepted, (a) => a.length === 1, 'the Slack message');
      const text: string = req.json.text;
      expect(text).toContain('*High detection: @everyone &lt;!here&gt; &lt;https://evil.example|click&gt; *bold* [x](https://evil.example) on shop.example*');
      expect(text).toContain('File: /home/x/&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt;.php');
      expect(text).not.toMatch(/<[!@#]/);
      expect(text).not.toContain('<https');
    });

    it('refuses a config that mixes the two ways, or a token of the wrong form, naming the field', async () => {
      const both = await t.api('POST', '/v1/destinations', { body: { kind: 'slack', name: 's', config: { webhookUrl: slackHook.base + HOOK, botToken: 'xoxb-1' } } });
      expect(both).toMatchObject({ status: 400, body: { field: 'config.webhookUrl' } });
      const bad = await t.api('POST', '/v1/destinations', { body: { kind: 'slack', name: 's', config: { botToken: 'hunter2', channel: 'C1' } } });
      expect(bad).toMatchObject({ status: 400, body: { field: 'config.botToken' } });
      const noChannel = await t.api('POST', '/v1/destinations', { body: { kind: 'slack', name: 's', config: { botToken: 'xoxb-1-good' } } });
      expect(noChannel).toMatchObject({ status: 400, body: { field: 'config.channel' } });
    });

    it('classifies Slack answers: ok:false invalid_auth disables (credentials); 429 waits its Retry-After; channel_not_found and invalid_payload are permanent', async () => {
      const bad = await createChannel(t, 'slack', { botToken: 'xoxb-1-revoked', channel: 'C0123', apiUrl: `${slackApi.base}/api` });
      const r1 = await testChannel(t, bad.id);
      expect(r1).toMatchObject({ status: 'dead', outcome: 'permanent_error', error: 'credentials: invalid_auth' });
      expect((await t.api('GET', `/v1/destinations/${bad.id}`)).body.health).toMatchObject({ state: 'disabled', disabledReason: 'invalid_credentials' });

      const good = await createChannel(t, 'slack', { botToken: 'xoxb-1-good', channel: 'C0123', apiUrl: `${slackApi.base}/api` });
      slackApi.script({ status: 429, headers: { 'retry-after': '30' }, body: { ok: false, error: 'ratelimited' } });
      const before = Date.now();
      const r2 = await testChannel(t, good.id);
      expect(r2).toMatchObject({ status: 'failed', outcome: 'transient_error' });
      const { delivery, attempt } = await lastAttempt(t, r2.deliveryId);
      expect(attempt.response.retryAfterSeconds).toBe(30);
      const wait = (new Date(delivery.nextAttemptAt).getTime() - before) / 1000;
      expect(wait).toBeGreaterThanOrEqual(29);
      expect(wait).toBeLessThan(40);

      const lost = await createChannel(t, 'slack', { botToken: 'xoxb-1-good', channel: 'C0999', apiUrl: `${slackApi.base}/api` });
      expect(await testChannel(t, lost.id)).toMatchObject({ status: 'dead', outcome: 'permanent_error', error: 'config: channel_not_found' });
      expect((await t.api('GET', `/v1/destinations/${lost.id}`)).body.health.state).toBe('enabled');

      const hook = await createChannel(t, 'slack', { webhookUrl: slackHook.base + HOOK });
      slackHook.script({ status: 400, body: 'invalid_payload' });
      expect(await testChannel(t, hook.id)).toMatchObject({ status: 'dead', outcome: 'permanent_error', error: 'payload: HTTP 400 invalid_payload' });
      const gone = await createChannel(t, 'slack', { webhookUrl: slackHook.base + '/services/T0001/B0001/revoked' });
      expect(await testChannel(t, gone.id)).toMatchObject({ status: 'dead', error: 'credentials: HTTP 404 no_service' });
    });
  });

  describe('configured like any destination', () => {
    it('PATCH config keeps a write-only secret it leaves out, and replaces one it gives', async () => {
      const d = await createChannel(t, 'slack', { botToken: 'xoxb-1-good', channel: 'C0123', apiUrl: `${slackApi.base}/api` });
      const moved = await t.api('PATCH', `/v1/destinations/${d.id}`, { body: { config: { channel: '#alerts', apiUrl: `${slackApi.base}/api` } } });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ config: { channel: '#alerts' }, secrets: { botToken: 'encrypted' } });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'delivered' });
      expect(slackApi.last.json.channel).toBe('#alerts');
      await t.api('PATCH', `/v1/destinations/${d.id}`, { body: { config: { botToken: 'xoxb-1-other', channel: '#alerts', apiUrl: `${slackApi.base}/api` } } });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'dead', error: 'credentials: invalid_auth' });
    });

    it('only an admin key may send an env:NAME credential to another server (config.apiUrl)', async () => {
      const d = await createChannel(t, 'slack', { botToken: 'env:SLACK_BOT', channel: 'C0123', apiUrl: `${slackApi.base}/api` });
      expect(d.secrets).toEqual({ botToken: 'env:SLACK_BOT' });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'delivered' });
      const writer = (await t.api('POST', '/v1/api-keys', { body: { name: 'writer', scopes: ['write'] } })).body.key;
      const res = await t.api('PATCH', `/v1/destinations/${d.id}`, { key: writer, body: { config: { channel: 'C0123', apiUrl: 'https://elsewhere.example/api' } } });
      expect(res).toMatchObject({ status: 403, body: { field: 'config.apiUrl' } });
      expect((await t.api('PATCH', `/v1/destinations/${d.id}`, { key: writer, body: { config: { channel: '#alerts', apiUrl: `${slackApi.base}/api` } } })).status).toBe(200);
    });

    it('a channel that refuses its credentials is disabled and the operator told, on their own channel', async () => {
      const ops = await createChannel(t, 'slack', { webhookUrl: slackHook.base + HOOK }, { operatorNotices: true });
      const bad = await createChannel(t, 'discord', { webhookUrl: `${discord.base}/api/webhooks/123456789/revoked` });
      await testChannel(t, bad.id);
      const [notice] = await until(() => slackHook.accepted, (a) => a.length === 1, 'the operator notice');
      expect(notice.json.text).toContain(`Destination disabled: ${bad.name}`);
      expect(notice.json.text).toContain('it refused its credentials');
      await t.api('DELETE', `/v1/destinations/${ops.id}`);
    });
  });

  describe('Discord', () => {
    const url = () => `${discord.base}/api/webhooks/123456789/tok-EN_good`;

    it('posts content with allowed_mentions {parse: []} and ?wait=true, and keeps the message id', async () => {
      const d = await createChannel(t, 'discord', { webhookUrl: url(), username: 'hostdigest', avatarUrl: 'https://brand.example/logo.png' });
      expect(d.secrets).toEqual({ webhookUrl: 'encrypted' });
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'delivered', statusCode: 200 });
      expect(discord.last.url.searchParams.get('wait')).toBe('true');
      expect(discord.last.json).toMatchObject({ allowed_mentions: { parse: [] }, username: 'hostdigest', avatar_url: 'https://brand.example/logo.png' });
      expect((await lastAttempt(t, r.deliveryId)).attempt.response.messageId).toBe('1100000000000000001');
    });

    it('a subscribed destination gets security events, @everyone and markdown links defused; a long path fits 2000 characters', async () => {
      const d = await createChannel(t, 'discord', { webhookUrl: url() }, { eventTypes: ['security_event.created'] });
      await pushEvent(t, { ...hostile, filePath: '/home/' + '_*'.repeat(2000) });
      const [req] = await until(() => discord.accepted, (a) => a.length === 1, 'the Discord message');
      const content: string = req.json.content;
      expect(content.length).toBeLessThanOrEqual(2000);
      expect(content).toContain('@\u200beveryone');
      expect(content).not.toMatch(/@everyone|@here/);
      expect(content).not.toMatch(/[^\\]\[x\]\(/);
      expect(d.eventTypes).toEqual(['security_event.created']);
    });

    it('classifies: 429 waits retry_after; 401 invalid token disables; 400 invalid form body is permanent', async () => {
      const d = await createChannel(t, 'discord', { webhookUrl: url() });
      discord.script(discordRateLimit(12.5));
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'failed', outcome: 'transient_error' });
      expect((await lastAttempt(t, r.deliveryId)).attempt.response.retryAfterSeconds).toBe(13);
      discord.script({ status: 400, body: { message: 'Invalid Form Body', code: 50035 } });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'dead', error: 'payload: HTTP 400 50035 Invalid Form Body' });
      const bad = await createChannel(t, 'discord', { webhookUrl: `${discord.base}/api/webhooks/123456789/revoked` });
      expect(await testChannel(t, bad.id)).toMatchObject({ status: 'dead', error: 'credentials: HTTP 401 50027 Invalid Webhook Token' });
      expect((await t.api('GET', `/v1/destinations/${bad.id}`)).body.health.disabledReason).toBe('invalid_credentials');
    });
  });

  describe('Microsoft Teams (Workflows)', () => {
    const url = (sig = 'sig-good') => `${teams.base}/workflows/wf1/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`;

    it('posts an Adaptive Card in a message; the flow answers 202', async () => {
      const d = await createChannel(t, 'teams', { workflowUrl: url() });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'delivered', statusCode: 202 });
      const card = teams.last.json.attachments[0].content;
      expect(teams.last.json.type).toBe('message');
      expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json' });
      expect(card.body[0]).toMatchObject({ type: 'TextBlock', weight: 'Bolder' });
      expect(card.msteams.entities).toBeUndefined();
    });

    it('refuses a retired Office 365 connector URL with a 400 that explains the move to Workflows', async () => {
      const res = await t.api('POST', '/v1/destinations', { body: { kind: 'teams', name: 'old', config: { workflowUrl: 'https://contoso.webhook.office.com/webhookb2/a@b/IncomingWebhook/c/d' } } });
      expect(res.status).toBe(400);
      expect(res.body.field).toBe('config.workflowUrl');
      expect(res.body.message).toMatch(/retired.*Workflows/);
    });

    it('escapes markdown in event data; a wrong sig is a credentials failure that disables', async () => {
      const d = await createChannel(t, 'teams', { workflowUrl: url() }, { eventTypes: ['security_event.created'] });
      await pushEvent(t, hostile);
      const [req] = await until(() => teams.accepted, (a) => a.length === 1, 'the Teams card');
      const texts = req.json.attachments[0].content.body.map((b: any) => b.text).join('\n');
      expect(texts).toContain('\\[x\\]\\(https://evil.example\\)');
      expect(texts).toContain('\\*bold\\*');
      expect((await t.api('DELETE', `/v1/destinations/${d.id}`)).status).toBe(204); // later events are not for it
      const bad = await createChannel(t, 'teams', { workflowUrl: url('sig-bad') });
      expect(await testChannel(t, bad.id)).toMatchObject({ status: 'dead', error: expect.stringMatching(/^credentials: HTTP 401/) });
    });
  });

  describe('Google Chat', () => {
    const url = (key = 'key-good', token = 'tok-good') => `${gchat.base}/v1/spaces/AAAA/messages?key=${key}&token=${token}`;

    it('posts {text}, <users/all> and links entity-escaped; a wrong token disables, 429 is retried, 400 is permanent', async () => {
      const d = await createChannel(t, 'googlechat', { webhookUrl: url() }, { eventTypes: ['security_event.created'] });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'delivered', statusCode: 200 });
      await pushEvent(t, { threatName: '<users/all> <https://evil.example|x>' });
      const [, req] = await until(() => gchat.accepted, (a) => a.length === 2, 'the Google Chat message');
      expect(req.json.text).toContain('&lt;users/all&gt; &lt;https://evil.example|x&gt;');
      expect(req.json.text).not.toMatch(/<users|<https/);
      gchat.script({ status: 429, body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded' } } });
      const limited = await testChannel(t, d.id);
      expect(limited).toMatchObject({ status: 'failed', outcome: 'transient_error' });
      // no Retry-After: the next try on Svix's schedule, as for every kind but e-mail (5 s ± 20%)
      const next = Date.parse((await t.api('GET', `/v1/deliveries/${limited.deliveryId}`)).body.nextAttemptAt) - Date.now();
      expect(next).toBeGreaterThan(3000);
      expect(next).toBeLessThan(6500);
      const bad = await createChannel(t, 'googlechat', { webhookUrl: url('key-good', 'tok-bad') });
      expect(await testChannel(t, bad.id)).toMatchObject({ status: 'dead', error: expect.stringMatching(/^credentials: HTTP 401 UNAUTHENTICATED/) });
      const res = await t.api('POST', '/v1/destinations', { body: { kind: 'googlechat', name: 'x', config: { webhookUrl: `${gchat.base}/v1/spaces/AAAA/messages` } } });
      expect(res).toMatchObject({ status: 400, body: { field: 'config.webhookUrl' } });
    });
  });
});
