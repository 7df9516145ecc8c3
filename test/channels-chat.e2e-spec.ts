import { FakeChannelServer } from './fakes/fake-channel-server';
import { slackApiFake, slackWebhookFake } from './fakes/fake-slack';
import { createChannel, lastAttempt, pushEvent, testChannel, until } from './support/channel-harness';
import { startTestApp, TestApp } from './support/test-app';

// Chat channels against fakes of their APIs on 127.0.0.1: created through the API, tested, subscribed to
// security_event.created, and each channel's own error answers classified for the pipeline.
describe('chat channels', () => {
  let t: TestApp;
  const HOOK = '/services/T0001/B0001/abcDEF123';
  let slackHook: FakeChannelServer;
  let slackApi: FakeChannelServer;

  beforeAll(async () => {
    slackHook = await FakeChannelServer.start(slackWebhookFake(HOOK));
    slackApi = await FakeChannelServer.start(slackApiFake('xoxb-1-good', ['C0123', '#alerts']));
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000' });
  });
  afterAll(async () => {
    await t.close();
    for (const f of [slackHook, slackApi]) await f.stop();
  });
  beforeEach(() => {
    for (const f of [slackHook, slackApi]) f.reset();
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
});
