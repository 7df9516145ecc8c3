import { FakeChannelServer } from './fakes/fake-channel-server';
import { ntfyFake } from './fakes/fake-ntfy';
import { oneSignalFake } from './fakes/fake-onesignal';
import { pushbulletFake } from './fakes/fake-pushbullet';
import { pusherBeamsFake } from './fakes/fake-pusher-beams';
import { createChannel, lastAttempt, pushEvent, testChannel, until } from './support/channel-harness';
import { startTestApp, TestApp } from './support/test-app';

// Push services against fakes of their APIs on 127.0.0.1 (Pushbullet, OneSignal, Pusher Beams): created through
// the API, tested, subscribed to security_event.created, long event data cut to fit, answers classified.
describe('push services', () => {
  let t: TestApp;
  let pushbullet: FakeChannelServer;
  let onesignal: FakeChannelServer;
  let beams: FakeChannelServer;
  let ntfy: FakeChannelServer;
  const PB = 'o.NdAbcdefghijklmnopqrstuvwxyz012345';
  const APP = '5eb5a37e-b458-11e3-ac11-000c2940e62c';
  const OS_KEY = 'os_v2_app_abcdefghijklmnopqrstuvwxyz234567';
  const INSTANCE = '8f9a6e22-2483-49aa-8552-125f1a4c5781';
  const BEAMS_KEY = 'C54D42FB7CD2D408DDB22D7A0166F1D';

  beforeAll(async () => {
    pushbullet = await FakeChannelServer.start(pushbulletFake(PB, ['ujpah72o0sjAoRtnM0jc']));
    onesignal = await FakeChannelServer.start(oneSignalFake(APP, OS_KEY, { subscribed: ['user-1', 'user-2'] }));
    beams = await FakeChannelServer.start(pusherBeamsFake(INSTANCE, BEAMS_KEY));
    ntfy = await FakeChannelServer.start(ntfyFake('tk_goodtoken'));
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000' });
  });
  afterAll(async () => {
    await t.close();
    for (const f of [pushbullet, onesignal, beams, ntfy]) await f.stop();
  });
  beforeEach(() => {
    for (const f of [pushbullet, onesignal, beams, ntfy]) f.reset();
  });

  // Every field of an event at its longest (each line of the text form is cut to 300 characters).
  const longEvent = { filePath: '/home/' + 'p/'.repeat(1500), threatName: 'T'.repeat(490), process: 'P'.repeat(400), server: 'S'.repeat(200) };

  describe('Pushbullet', () => {
    it('pushes a note with the Access-Token header and a guid per delivery; to one device when configured', async () => {
      const d = await createChannel(t, 'pushbullet', { accessToken: PB, deviceIden: 'ujpah72o0sjAoRtnM0jc', apiUrl: pushbullet.base }, { eventTypes: ['security_event.created'] });
      expect(d.secrets).toEqual({ accessToken: 'encrypted' });
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'delivered', statusCode: 200 });
      expect(pushbullet.last.headers['access-token']).toBe(PB);
      expect(pushbullet.last.json).toMatchObject({ type: 'note', device_iden: 'ujpah72o0sjAoRtnM0jc', guid: `hostdigest-${r.deliveryId}` });
      expect(JSON.stringify((await lastAttempt(t, r.deliveryId)).attempt)).not.toContain(PB);
      await pushEvent(t, { severity: 'critical', ...longEvent });
      const [, req] = await until(() => pushbullet.accepted, (a) => a.length === 2, 'the push');
      expect(req.json).toMatchObject({ type: 'note', title: expect.stringMatching(/^Critical detection: T+/) });
      expect(Array.from(req.json.body as string).length).toBeLessThanOrEqual(4096);
      expect(req.json.body).toContain('File: /home/p/');
      expect((await t.api('DELETE', `/v1/destinations/${d.id}`)).status).toBe(204);
    });

    it('classifies: a refused token disables; an unknown device is a config error; 429 waits for X-Ratelimit-Reset', async () => {
      const bad = await createChannel(t, 'pushbullet', { accessToken: 'o.wrong', apiUrl: pushbullet.base });
      expect(await testChannel(t, bad.id)).toMatchObject({ status: 'dead', error: 'credentials: HTTP 401 invalid_access_token Access token is missing or invalid.' });
      expect((await t.api('GET', `/v1/destinations/${bad.id}`)).body.health.disabledReason).toBe('invalid_credentials');
      const lost = await createChannel(t, 'pushbullet', { accessToken: PB, deviceIden: 'gone', apiUrl: pushbullet.base });
      expect(await testChannel(t, lost.id)).toMatchObject({ status: 'dead', error: expect.stringMatching(/^config: HTTP 400 invalid_request .*device_iden/) });
      const d = await createChannel(t, 'pushbullet', { accessToken: PB, apiUrl: pushbullet.base });
      pushbullet.script({ status: 429, headers: { 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 120) }, body: { error: { type: 'too_many_requests', message: 'Rate limit exceeded.', cat: '~(=^‥^)' } } });
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'failed', outcome: 'transient_error', error: 'rate_limited: HTTP 429 too_many_requests Rate limit exceeded.' });
      const wait = (await lastAttempt(t, r.deliveryId)).attempt.response.retryAfterSeconds;
      expect(wait).toBeGreaterThan(110);
      expect(wait).toBeLessThanOrEqual(120);
      const two = await t.api('POST', '/v1/destinations', { body: { kind: 'pushbullet', name: 'x', config: { accessToken: PB, email: 'a@b.example', channelTag: 'ops' } } });
      expect(two).toMatchObject({ status: 400, body: { field: 'config.channelTag' } });
    });
  });

  it('retries a lost answer with the same Pushbullet guid and OneSignal idempotency_key, so the vendor does not push twice', async () => {
    const pb = await createChannel(t, 'pushbullet', { accessToken: PB, apiUrl: pushbullet.base, retrySchedule: [0] }, { eventTypes: ['security_event.created'] });
    const os = await createChannel(t, 'onesignal', { appId: APP, apiKey: OS_KEY, segments: ['Subscribed Users'], apiUrl: onesignal.base, retrySchedule: [0] }, { eventTypes: ['security_event.created'] });
    pushbullet.script({ status: 502, body: 'Bad Gateway' });
    onesignal.script({ status: 502, body: 'Bad Gateway' });
    await pushEvent(t, {});
    const [first, again] = await until(() => pushbullet.requests, (a) => a.length === 2, 'the retried push');
    expect(again.json.guid).toBe(first.json.guid);
    expect(again.reply.status).toBe(200);
    const [one, two] = await until(() => onesignal.requests, (a) => a.length === 2, 'the retried notification');
    expect(two.json.idempotency_key).toBe(one.json.idempotency_key);
    expect(two.reply.status).toBe(200);
    for (const d of [pb, os]) await t.api('DELETE', `/v1/destinations/${d.id}`);
  });

  describe('OneSignal', () => {
    it('creates a notification with Authorization: Key, one targeting strategy and the delivery id as idempotency_key; contents cut to 2,048 bytes', async () => {
      const d = await createChannel(t, 'onesignal', { appId: APP, apiKey: OS_KEY, externalIds: ['user-1'], icon: 'https://brand.example/logo.png', apiUrl: onesignal.base }, { eventTypes: ['security_event.created'] });
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'delivered', statusCode: 200 });
      expect(onesignal.last.headers.authorization).toBe(`Key ${OS_KEY}`);
      expect(onesignal.last.json).toMatchObject({ app_id: APP, target_channel: 'push', include_aliases: { external_id: ['user-1'] }, idempotency_key: r.deliveryId, large_icon: 'https://brand.example/logo.png' });
      expect((await lastAttempt(t, r.deliveryId)).attempt.response.notificationId).toMatch(/^b98881cc-/);
      await pushEvent(t, { threatName: 'Вредонос 🐚'.repeat(40), filePath: '/home/' + 'ü'.repeat(290), process: 'ж'.repeat(400), server: 'ж'.repeat(200) });
      const [, req] = await until(() => onesignal.accepted, (a) => a.length === 2, 'the notification');
      expect(Buffer.byteLength(req.json.contents.en)).toBeLessThanOrEqual(2048);
      expect(Buffer.byteLength(req.json.contents.en)).toBeGreaterThan(1900);
      expect(req.json.headings.en).toMatch(/^High detection: Вредонос/);
      expect((await t.api('DELETE', `/v1/destinations/${d.id}`)).status).toBe(204);
    });

    it('reads a 200 without an id as a failure; a wrong key disables; 429 waits for Retry-After', async () => {
      const nobody = await createChannel(t, 'onesignal', { appId: APP, apiKey: OS_KEY, externalIds: ['user-9'], apiUrl: onesignal.base });
      const r = await testChannel(t, nobody.id);
      expect(r).toMatchObject({ status: 'dead', error: 'config: HTTP 200 no notification created: ["All included players are not subscribed"]' });
      expect((await t.api('GET', `/v1/destinations/${nobody.id}`)).body.health.state).toBe('enabled');
      expect(onesignal.accepted).toHaveLength(0); // nothing created, though HTTP 200
      const some = await createChannel(t, 'onesignal', { appId: APP, apiKey: OS_KEY, externalIds: ['user-2', 'user-9'], apiUrl: onesignal.base });
      const partial = await testChannel(t, some.id);
      expect(partial).toMatchObject({ status: 'delivered' });
      expect((await lastAttempt(t, partial.deliveryId)).attempt.response.warnings).toContain('user-9');

      const bad = await createChannel(t, 'onesignal', { appId: APP, apiKey: 'os_v2_wrong', segments: ['Subscribed Users'], apiUrl: onesignal.base });
      expect(await testChannel(t, bad.id)).toMatchObject({ status: 'dead', error: expect.stringMatching(/^credentials: HTTP 403 .*Access denied/) });
      expect((await t.api('GET', `/v1/destinations/${bad.id}`)).body.health.disabledReason).toBe('invalid_credentials');
      const d = await createChannel(t, 'onesignal', { appId: APP, apiKey: OS_KEY, segments: ['Subscribed Users'], apiUrl: onesignal.base });
      onesignal.script({ status: 429, headers: { 'retry-after': '45' }, body: { errors: ['API rate limit exceeded'] } });
      const limited = await testChannel(t, d.id);
      expect(limited).toMatchObject({ status: 'failed', error: expect.stringMatching(/^rate_limited: HTTP 429/) });
      expect((await lastAttempt(t, limited.deliveryId)).attempt.response.retryAfterSeconds).toBe(45);
      const res = await t.api('POST', '/v1/destinations', { body: { kind: 'onesignal', name: 'x', config: { appId: APP, apiKey: OS_KEY, segments: ['All'], externalIds: ['u'] } } });
      expect(res).toMatchObject({ status: 400, body: { field: 'config.externalIds' } });
    });
  });

  describe('Pusher Beams', () => {
    it('publishes to interests with the Bearer secret, the same text for web, FCM and APNs, each within 4 KB', async () => {
      const d = await createChannel(t, 'pusherbeams', { instanceId: INSTANCE, secretKey: BEAMS_KEY, interests: ['hostdigest-ops', 'org@42'], apiUrl: beams.base }, { eventTypes: ['security_event.created'] });
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'delivered', statusCode: 200 });
      expect(beams.last.url.pathname).toBe(`/publish_api/v1/instances/${INSTANCE}/publishes/interests`);
      expect(beams.last.headers.authorization).toBe(`Bearer ${BEAMS_KEY}`);
      expect((await lastAttempt(t, r.deliveryId)).attempt.response.publishId).toMatch(/^pubid-/);
      await pushEvent(t, { severity: 'critical', ...longEvent, threatName: '"quoted" \\ '.repeat(40) });
      const [, req] = await until(() => beams.accepted, (a) => a.length === 2, 'the publish');
      const p = req.json;
      expect(p.interests).toEqual(['hostdigest-ops', 'org@42']);
      expect(p.apns.aps.alert.title).toMatch(/^Critical detection: "quoted"/);
      expect(p.fcm.notification.body).toBe(p.apns.aps.alert.body);
      for (const k of ['web', 'fcm', 'apns']) expect(Buffer.byteLength(JSON.stringify(p[k]))).toBeLessThanOrEqual(4000);
      expect(p.apns.aps.alert.body).toContain('Threat: "quoted" \\ ');
      expect((await t.api('DELETE', `/v1/destinations/${d.id}`)).status).toBe(204);
    });

    it('classifies: a wrong key or an unknown instance disables; 400 is permanent; 500 is retried', async () => {
      const bad = await createChannel(t, 'pusherbeams', { instanceId: INSTANCE, secretKey: 'WRONG', interests: ['ops'], apiUrl: beams.base });
      expect(await testChannel(t, bad.id)).toMatchObject({ status: 'dead', error: 'credentials: HTTP 401 Unauthorized: Incorrect API Key' });
      expect((await t.api('GET', `/v1/destinations/${bad.id}`)).body.health.disabledReason).toBe('invalid_credentials');
      const gone = await createChannel(t, 'pusherbeams', { instanceId: '00000000-0000-4000-8000-000000000000', secretKey: BEAMS_KEY, interests: ['ops'], apiUrl: beams.base });
      expect(await testChannel(t, gone.id)).toMatchObject({ status: 'dead', error: expect.stringMatching(/^credentials: HTTP 404 Instance not found/) });
      const d = await createChannel(t, 'pusherbeams', { instanceId: INSTANCE, secretKey: BEAMS_KEY, interests: ['ops'], apiUrl: beams.base });
      beams.script({ status: 500, body: { error: 'Internal Server Error', description: 'try again' } });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'failed', outcome: 'transient_error' });
      beams.script({ status: 400, body: { error: 'Bad request', description: 'apns payload too large' } });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'dead', error: 'payload: HTTP 400 Bad request: apns payload too large' });
      const res = await t.api('POST', '/v1/destinations', { body: { kind: 'pusherbeams', name: 'x', config: { instanceId: INSTANCE, secretKey: BEAMS_KEY, interests: ['no spaces'] } } });
      expect(res).toMatchObject({ status: 400, body: { field: 'config.interests[0]' } });
    });
  });

  describe('the brand’s logo', () => {
    it('is the icon or avatar where the destination sets none: the customer’s brand, else the organization’s default', async () => {
      const def = (await t.api('GET', '/v1/brands')).body.data.find((b: { isDefault: boolean }) => b.isDefault);
      expect((await t.api('PATCH', `/v1/brands/${def.id}`, { body: { logoUrl: 'https://cdn.example/default-logo.png' } })).status).toBe(200);
      const own = await t.api('POST', '/v1/brands', { body: { name: 'Northwind Hosting', logoUrl: 'https://cdn.example/northwind.png' } });
      expect(own.status).toBe(201);
      const customer = await t.api('POST', '/v1/customers', { body: { externalRef: 'nw-1', name: 'Northwind customer', brandId: own.body.id } });
      expect((await t.api('POST', `/v1/customers/${customer.body.id}/sites`, { body: { domains: ['northwind-shop.example'] } })).status).toBe(201);

      const plain = await createChannel(t, 'ntfy', { serverUrl: ntfy.base, topic: 'plain', token: 'tk_goodtoken' }, { eventTypes: ['security_event.created'] });
      const iconed = await createChannel(t, 'ntfy', { serverUrl: ntfy.base, topic: 'iconed', token: 'tk_goodtoken', icon: 'https://cdn.example/own.png' }, { eventTypes: ['security_event.created'] });
      const os = await createChannel(t, 'onesignal', { appId: APP, apiKey: OS_KEY, segments: ['Subscribed Users'], apiUrl: onesignal.base }, { eventTypes: ['security_event.created'] });

      await pushEvent(t, { domain: 'northwind-shop.example' });
      await until(() => ntfy.accepted.length + onesignal.accepted.length, (n) => n === 3, 'the customer’s event on three channels');
      const icon = (topic: string) => ntfy.accepted.find((r) => r.json.topic === topic)!.json.icon;
      expect(icon('plain')).toBe('https://cdn.example/northwind.png');
      expect(icon('iconed')).toBe('https://cdn.example/own.png');
      expect(onesignal.last.json.large_icon).toBe('https://cdn.example/northwind.png');

      ntfy.reset();
      onesignal.reset();
      await pushEvent(t, { domain: 'unknown-shop.example' });
      await until(() => ntfy.accepted.length + onesignal.accepted.length, (n) => n === 3, 'the unmatched event on three channels');
      expect(icon('plain')).toBe('https://cdn.example/default-logo.png');
      expect(icon('iconed')).toBe('https://cdn.example/own.png');
      for (const d of [plain, iconed, os]) await t.api('DELETE', `/v1/destinations/${d.id}`);
    });
  });
});
