import { FakeChannelServer } from './fakes/fake-channel-server';
import { gotifyFake } from './fakes/fake-gotify';
import { ntfyFake } from './fakes/fake-ntfy';
import { pushoverFake } from './fakes/fake-pushover';
import { parseMarkdownV2, telegramFake } from './fakes/fake-telegram';
import { createChannel, lastAttempt, pushEvent, testChannel, until } from './support/channel-harness';
import { startTestApp, TestApp } from './support/test-app';

// Push channels against fakes of their APIs on 127.0.0.1: created through the API, tested, subscribed to
// security_event.created (severity on each channel's own scale), and each channel's error answers classified.
describe('push channels', () => {
  let t: TestApp;
  let ntfy: FakeChannelServer;
  let telegram: FakeChannelServer;
  let gotify: FakeChannelServer;
  let pushover: FakeChannelServer;
  const BOT = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
  const APP = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
  const USER = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';

  beforeAll(async () => {
    ntfy = await FakeChannelServer.start(ntfyFake('tk_goodtoken'));
    telegram = await FakeChannelServer.start(telegramFake(BOT, ['-1001234567890', '@opsroom']));
    gotify = await FakeChannelServer.start(gotifyFake('AppTok.good'));
    pushover = await FakeChannelServer.start(pushoverFake(APP, USER));
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000', NTFY_TOKEN: 'tk_goodtoken', ENV_REFERENCE_GRANTS: '*:NTFY_TOKEN' });
  });
  afterAll(async () => {
    await t.close();
    for (const f of [ntfy, telegram, gotify, pushover]) await f.stop();
  });
  beforeEach(() => {
    for (const f of [ntfy, telegram, gotify, pushover]) f.reset();
  });

  describe('ntfy', () => {
    it('publishes JSON to the server root with the token, priority from severity, tags, click and icon', async () => {
      const d = await createChannel(t, 'ntfy', { serverUrl: ntfy.base, topic: 'ops-alerts', token: 'tk_goodtoken', tags: ['warning', 'skull'], icon: 'https://brand.example/logo.png' }, { eventTypes: ['security_event.created'] });
      expect(d.config).toEqual({ serverUrl: ntfy.base, topic: 'ops-alerts', tags: ['warning', 'skull'], icon: 'https://brand.example/logo.png' });
      expect(d.secrets).toEqual({ token: 'encrypted' });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'delivered', statusCode: 200 });
      expect(ntfy.last.json).toMatchObject({ topic: 'ops-alerts', priority: 1, tags: ['warning', 'skull'], icon: 'https://brand.example/logo.png' });
      await pushEvent(t, { severity: 'critical' });
      const [, req] = await until(() => ntfy.accepted, (a) => a.length === 2, 'the ntfy message');
      expect(req.headers.authorization).toBe('Bearer tk_goodtoken');
      expect(req.json).toMatchObject({ topic: 'ops-alerts', title: 'Critical detection: PHP.Webshell.WSO on shop.example', priority: 5 });
      expect(req.json.message).toContain('File: /home/shop/public_html/x.php');
    });

    it('classifies: 40101 disables (credentials), 42901 is retried', async () => {
      const d = await createChannel(t, 'ntfy', { serverUrl: ntfy.base, topic: 'ops', token: 'tk_goodtoken' });
      ntfy.script({ status: 429, body: { code: 42901, http: 429, error: 'limit reached: too many requests' } });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'failed', outcome: 'transient_error', error: 'rate_limited: HTTP 429 42901 limit reached: too many requests' });
      const bad = await createChannel(t, 'ntfy', { serverUrl: ntfy.base, topic: 'ops', token: 'tk_wrong' });
      expect(await testChannel(t, bad.id)).toMatchObject({ status: 'dead', error: 'credentials: HTTP 401 40101 unauthorized' });
      expect((await t.api('GET', `/v1/destinations/${bad.id}`)).body.health.disabledReason).toBe('invalid_credentials');
      const res = await t.api('POST', '/v1/destinations', { body: { kind: 'ntfy', name: 'x', config: { topic: 'bad topic!' } } });
      expect(res).toMatchObject({ status: 400, body: { field: 'config.topic' } });
    });
  });

  describe('Telegram', () => {
    const config = (extra: object = {}) => ({ botToken: BOT, chatId: '-1001234567890', apiUrl: telegram.base, ...extra });

    it('sends MarkdownV2 the Bot API can parse, hostile data escaped, the token only in the path', async () => {
      const d = await createChannel(t, 'telegram', config({ silent: true }), { eventTypes: ['security_event.created'] });
      expect(d.secrets).toEqual({ botToken: 'encrypted' });
      expect(JSON.stringify(d)).not.toContain('AAHdq');
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'delivered', statusCode: 200 });
      expect(telegram.last.url.pathname).toBe(`/bot${BOT}/sendMessage`);
      expect(telegram.last.json).toMatchObject({ chat_id: '-1001234567890', parse_mode: 'MarkdownV2', disable_notification: true });
      const { attempt } = await lastAttempt(t, r.deliveryId);
      expect(JSON.stringify(attempt)).not.toContain('AAHdq');
      await pushEvent(t, { threatName: '*bold* _it_ [x](https://evil.example) `code` \\\\ > #tag', filePath: '/a/b-c.d!(1).php' });
      const [, req] = await until(() => telegram.accepted, (a) => a.length === 2, 'the Telegram message');
      const shown = parseMarkdownV2(req.json.text);
      expect(shown.error).toBeUndefined();
      expect(shown.text).toContain('*bold* _it_ [x](https://evil.example) `code` \\\\ > #tag');
      expect(shown.text).toContain('File: /a/b-c.d!(1).php');
    });

    it('classifies: 429 waits parameters.retry_after; 401 disables; chat not found is a permanent config error', async () => {
      const d = await createChannel(t, 'telegram', config());
      telegram.script({ status: 429, headers: { 'retry-after': '17' }, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 17', parameters: { retry_after: 17 } } });
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'failed', error: 'rate_limited: Too Many Requests: retry after 17' });
      expect((await lastAttempt(t, r.deliveryId)).attempt.response.retryAfterSeconds).toBe(17);
      const lost = await createChannel(t, 'telegram', config({ chatId: '@nosuchchat' }));
      expect(await testChannel(t, lost.id)).toMatchObject({ status: 'dead', error: 'config: Bad Request: chat not found' });
      const bad = await createChannel(t, 'telegram', config({ botToken: '123456789:AAwrongwrongwrongwrongwrong' }));
      expect(await testChannel(t, bad.id)).toMatchObject({ status: 'dead', error: 'credentials: Unauthorized' });
      expect((await t.api('GET', `/v1/destinations/${bad.id}`)).body.health.disabledReason).toBe('invalid_credentials');
    });
  });

  describe('Gotify', () => {
    it('posts to /message with X-Gotify-Key, priority from severity; a wrong token disables', async () => {
      const d = await createChannel(t, 'gotify', { serverUrl: gotify.base, appToken: 'AppTok.good' }, { eventTypes: ['security_event.created'] });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'delivered', statusCode: 200 });
      expect(gotify.last.headers['x-gotify-key']).toBe('AppTok.good');
      await pushEvent(t, { severity: 'medium' });
      const [, req] = await until(() => gotify.accepted, (a) => a.length === 2, 'the Gotify message');
      expect(req.json).toMatchObject({ title: 'Medium detection: PHP.Webshell.WSO on shop.example', priority: 5 });
      const bad = await createChannel(t, 'gotify', { serverUrl: gotify.base, appToken: 'AppTok.bad' });
      expect(await testChannel(t, bad.id)).toMatchObject({ status: 'dead', error: expect.stringMatching(/^credentials: HTTP 401 Unauthorized/) });
    });
  });

  describe('Pushover', () => {
    it('posts the form with token, user, priority from severity; a critical message at emergency priority 2 carries retry and expire', async () => {
      const d = await createChannel(t, 'pushover', { appToken: APP, userKey: USER, apiUrl: pushover.base, emergency: true, retrySeconds: 60, expireSeconds: 7200 }, { eventTypes: ['security_event.created'] });
      expect(d.secrets).toEqual({ appToken: 'encrypted', userKey: 'encrypted' });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'delivered', statusCode: 200 });
      expect(pushover.last.form!.get('priority')).toBe('-2');
      await pushEvent(t, { severity: 'critical', filePath: '/home/' + 'x'.repeat(4000) });
      const [, req] = await until(() => pushover.accepted, (a) => a.length === 2, 'the Pushover message');
      const f = req.form!;
      expect(f.get('priority')).toBe('2');
      expect(f.get('retry')).toBe('60');
      expect(f.get('expire')).toBe('7200');
      await t.api('DELETE', `/v1/destinations/${d.id}`);
    });

    it('truncates a long message to 1024 characters instead of being refused', async () => {
      const d = await createChannel(t, 'pushover', { appToken: APP, userKey: USER, apiUrl: pushover.base }, { eventTypes: ['security_event.created'] });
      // Every field at its longest (each line of the text form holds at most 300 characters): over 1,024 in all.
      await pushEvent(t, { severity: 'low', filePath: '/home/' + 'p/'.repeat(1500), threatName: 'T'.repeat(490), process: 'P'.repeat(400), server: 'S'.repeat(200) });
      const [req] = await until(() => pushover.accepted, (a) => a.length === 1, 'the Pushover message');
      const message = req.form!.get('message')!;
      expect(Array.from(message).length).toBeLessThanOrEqual(1024);
      expect(Array.from(message).length).toBeGreaterThan(1000);
      expect(message.endsWith('…')).toBe(true);
      expect(req.form!.get('priority')).toBe('-1');
      expect((await t.api('DELETE', `/v1/destinations/${d.id}`)).status).toBe(204); // later events are not for it
    });

    it('classifies: an invalid user key disables; 429 over quota waits for X-Limit-App-Reset; 500 is retried', async () => {
      const bad = await createChannel(t, 'pushover', { appToken: APP, userKey: 'u'.repeat(30), apiUrl: pushover.base });
      expect(await testChannel(t, bad.id)).toMatchObject({ status: 'dead', error: expect.stringMatching(/^credentials: HTTP 400 user identifier is not a valid/) });
      const d = await createChannel(t, 'pushover', { appToken: APP, userKey: USER, apiUrl: pushover.base });
      pushover.script({ status: 429, headers: { 'x-limit-app-reset': String(Math.floor(Date.now() / 1000) + 600) }, body: { status: 0, errors: ['application over its message quota'] } });
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'failed', outcome: 'transient_error' });
      const wait = (await lastAttempt(t, r.deliveryId)).attempt.response.retryAfterSeconds;
      expect(wait).toBeGreaterThan(590);
      expect(wait).toBeLessThanOrEqual(600);
      pushover.script({ status: 500, body: 'oops' });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'failed', outcome: 'transient_error' });
    });
  });

  describe('Apprise URLs', () => {
    it('creates a destination from one URL, the token an env:NAME reference the database holds instead of the token; shown back masked', async () => {
      const host = ntfy.base.replace('http://', '');
      const res = await t.api('POST', '/v1/destinations', { body: { name: 'from apprise', appriseUrl: `ntfy://env:NTFY_TOKEN@${host}/ops-alerts?tags=warning` } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ kind: 'ntfy', config: { serverUrl: ntfy.base, topic: 'ops-alerts', tags: ['warning'] }, secrets: { token: 'env:NTFY_TOKEN' } });
      expect(res.body.appriseUrl).toBe(`ntfy://env:NTFY_TOKEN@${host}/ops-alerts?tags=warning`);
      const [row] = await t.db.dataSource.query('SELECT secrets FROM destinations WHERE id = $1', [res.body.id]);
      expect(row.secrets).toEqual({ token: 'env:NTFY_TOKEN' });
      expect(await testChannel(t, res.body.id)).toMatchObject({ status: 'delivered' });
      expect(ntfy.last.headers.authorization).toBe('Bearer tk_goodtoken');

      const literal = await t.api('POST', '/v1/destinations', { body: { name: 'tg', appriseUrl: `tgram://${BOT}/@opsroom` } });
      expect(literal.status).toBe(201);
      expect(literal.body.appriseUrl).toBe('tgram://****/@opsroom');
      expect(JSON.stringify(literal.body)).not.toContain('AAHdq');
      expect((await t.api('GET', `/v1/destinations/${literal.body.id}`)).body.appriseUrl).toBe('tgram://****/@opsroom');
    });

    it('updates a destination from its shown URL, edited: a secret left masked is kept, a new one replaces it; another kind is refused', async () => {
      const created = await t.api('POST', '/v1/destinations', { body: { name: 'tg edit', appriseUrl: `tgram://${BOT}/@opsroom` } });
      const id = created.body.id;
      const [before] = await t.db.dataSource.query('SELECT secrets FROM destinations WHERE id = $1', [id]);
      const moved = await t.api('PATCH', `/v1/destinations/${id}`, { body: { appriseUrl: created.body.appriseUrl.replace('@opsroom', '@oncall') } });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ config: { chatId: '@oncall' }, appriseUrl: 'tgram://****/@oncall' });
      const [kept] = await t.db.dataSource.query('SELECT secrets FROM destinations WHERE id = $1', [id]);
      expect(kept.secrets).toEqual(before.secrets);
      const otherBot = BOT.replace(/^\d+/, '987654321');
      expect((await t.api('PATCH', `/v1/destinations/${id}`, { body: { appriseUrl: `tgram://${otherBot}/@oncall` } })).status).toBe(200);
      const [replaced] = await t.db.dataSource.query('SELECT secrets FROM destinations WHERE id = $1', [id]);
      expect(replaced.secrets.botToken).not.toEqual(before.secrets.botToken);
      expect(await t.api('PATCH', `/v1/destinations/${id}`, { body: { appriseUrl: 'ntfys://ntfy.example.com/x' } }))
        .toMatchObject({ status: 400, body: { field: 'appriseUrl', message: expect.stringContaining('describes a ntfy destination; this one is telegram') } });
      expect(await t.api('PATCH', `/v1/destinations/${id}`, { body: { appriseUrl: 'tgram://****/@x', config: { chatId: '@x' } } }))
        .toMatchObject({ status: 400, body: { field: 'appriseUrl' } });
    });

    it('answers 400 naming the supported schemes, the bad part, or the field the URL filled wrongly', async () => {
      const post = (body: object) => t.api('POST', '/v1/destinations', { body: { name: 'x', ...body } });
      const unknown = await post({ appriseUrl: 'sms://12345' });
      expect(unknown).toMatchObject({ status: 400, body: { field: 'appriseUrl', message: expect.stringContaining('supported: slack://') } });
      expect(await post({ appriseUrl: 'tgram://only-a-token' })).toMatchObject({ status: 400, body: { field: 'appriseUrl', message: expect.stringContaining('{chat_id}') } });
      expect(await post({ appriseUrl: 'tgram://nope/123' })).toMatchObject({ status: 400, body: { field: 'config.botToken' } });
      expect(await post({ appriseUrl: 'ntfys://ntfy.example.com/x', kind: 'ntfy' })).toMatchObject({ status: 400, body: { field: 'appriseUrl' } });
      expect(await post({})).toMatchObject({ status: 400 });
    });
  });
});
