import { FakeChannelServer } from './fakes/fake-channel-server';
import { twilioFake, twimlSay } from './fakes/fake-twilio';
import { vonageFake } from './fakes/fake-vonage';
import { vonageMessagesFake } from './fakes/fake-vonage-messages';
import { createChannel, lastAttempt, pushEvent, testChannel, until } from './support/channel-harness';
import { startTestApp, TestApp } from './support/test-app';

// SMS, voice and WhatsApp channels against fakes of Twilio (and Vonage) on 127.0.0.1: created through the API,
// tested, subscribed to security_event.created, hostile and over-long event data escaped and cut, answers classified.
describe('SMS and voice channels', () => {
  let t: TestApp;
  let twilio: FakeChannelServer;
  let vonage: FakeChannelServer;
  let messages: FakeChannelServer;
  const AC = 'AC' + '0123456789abcdef'.repeat(2);
  const TOKEN = 'f'.repeat(32);
  const SK = 'SK' + 'fedcba9876543210'.repeat(2);
  const FROM = '+14155550100';
  const TO = '+447700900123';

  beforeAll(async () => {
    twilio = await FakeChannelServer.start(twilioFake({ accountSid: AC, authToken: TOKEN, apiKey: { sid: SK, secret: 'keysecret' }, senders: [FROM], unreachable: ['+15005550001'] }));
    vonage = await FakeChannelServer.start(vonageFake('a1b2c3d4', 'VonageSecret1', { barred: ['447700900999'] }));
    messages = await FakeChannelServer.start(vonageMessagesFake('a1b2c3d4', 'VonageSecret1'));
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000', TWILIO_TOKEN: TOKEN, ENV_REFERENCE_GRANTS: '*:TWILIO_TOKEN' });
  });
  afterAll(async () => {
    await t.close();
    await twilio.stop();
    await vonage.stop();
    await messages.stop();
  });
  beforeEach(() => {
    twilio.reset();
    vonage.reset();
    messages.reset();
  });

  const twilioConfig = (extra: object = {}) => ({ accountSid: AC, authToken: TOKEN, to: TO, from: FROM, apiUrl: twilio.base, ...extra });
  const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

  describe('Twilio SMS', () => {
    it('posts the form to Messages.json with Basic auth; an event is cut to 1,600 characters, never refused', async () => {
      const d = await createChannel(t, 'twilio', twilioConfig(), { eventTypes: ['security_event.created'] });
      expect(d.config).toEqual({ accountSid: AC, to: TO, from: FROM, apiUrl: twilio.base });
      expect(d.secrets).toEqual({ authToken: 'encrypted' });
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'delivered', statusCode: 201 });
      expect(twilio.last.url.pathname).toBe(`/2010-04-01/Accounts/${AC}/Messages.json`);
      expect(twilio.last.headers.authorization).toBe(basic(AC, TOKEN));
      expect(twilio.last.form!.get('To')).toBe(TO);
      expect(twilio.last.form!.get('From')).toBe(FROM);
      expect(JSON.stringify((await lastAttempt(t, r.deliveryId)).attempt)).not.toContain(TOKEN);

      await pushEvent(t, { severity: 'critical', filePath: '/home/' + 'p/'.repeat(1500), threatName: 'T'.repeat(490), process: 'P'.repeat(400), server: 'S'.repeat(200) });
      const [, req] = await until(() => twilio.accepted, (a) => a.length === 2, 'the SMS');
      const body = req.form!.get('Body')!;
      expect(body.length).toBeLessThanOrEqual(1600);
      expect(body.length).toBeGreaterThan(1500);
      expect(body.startsWith('Critical detection: ')).toBe(true);
      expect(body).toContain('…');
      expect((await t.api('DELETE', `/v1/destinations/${d.id}`)).status).toBe(204);
    });

    it('authenticates with an API key (SK…:secret) and sends through a Messaging Service when given one', async () => {
      const d = await createChannel(t, 'twilio', twilioConfig({ apiKeySid: SK, authToken: 'keysecret', from: undefined, messagingServiceSid: 'MG' + 'a'.repeat(32), maxLength: 160 }));
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'delivered' });
      expect(twilio.last.headers.authorization).toBe(basic(SK, 'keysecret'));
      expect(twilio.last.form!.get('MessagingServiceSid')).toBe('MG' + 'a'.repeat(32));
      expect(twilio.last.form!.has('From')).toBe(false);
      expect(twilio.last.form!.get('Body')!.length).toBeLessThanOrEqual(160);
    });

    it('classifies: 20003 disables (invalid_credentials); 20429 waits for Retry-After; an invalid To is a permanent config error; 500 is retried', async () => {
      const bad = await createChannel(t, 'twilio', twilioConfig({ authToken: 'e'.repeat(32) }));
      expect(await testChannel(t, bad.id)).toMatchObject({ status: 'dead', error: 'credentials: HTTP 401 20003 Authenticate' });
      expect((await t.api('GET', `/v1/destinations/${bad.id}`)).body.health.disabledReason).toBe('invalid_credentials');

      const d = await createChannel(t, 'twilio', twilioConfig());
      twilio.script({ status: 429, headers: { 'retry-after': '30' }, body: { code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 } });
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'failed', outcome: 'transient_error', error: 'rate_limited: HTTP 429 20429 Too Many Requests' });
      expect((await lastAttempt(t, r.deliveryId)).attempt.response.retryAfterSeconds).toBe(30);
      twilio.script({ status: 500, body: { code: 20500, message: 'Internal Server Error', status: 500 } });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'failed', outcome: 'transient_error' });

      const lost = await createChannel(t, 'twilio', twilioConfig({ to: '+15005550001' }));
      expect(await testChannel(t, lost.id)).toMatchObject({ status: 'dead', error: expect.stringMatching(/^config: HTTP 400 21211 /) });
      expect((await t.api('GET', `/v1/destinations/${lost.id}`)).body.health.state).toBe('enabled');
      const foreign = await createChannel(t, 'twilio', twilioConfig({ from: '+14155550199' }));
      expect(await testChannel(t, foreign.id)).toMatchObject({ status: 'dead', error: expect.stringMatching(/^config: HTTP 400 21606 /) });
    });

    it('answers 400 naming the field for a bad number, SID or a missing sender', async () => {
      const post = (config: object) => t.api('POST', '/v1/destinations', { body: { kind: 'twilio', name: 'x', config } });
      expect(await post(twilioConfig({ to: '07700 900123' }))).toMatchObject({ status: 400, body: { field: 'config.to' } });
      expect(await post(twilioConfig({ accountSid: 'AC123' }))).toMatchObject({ status: 400, body: { field: 'config.accountSid' } });
      expect(await post(twilioConfig({ from: undefined }))).toMatchObject({ status: 400, body: { field: 'config.from' } });
      expect(await post(twilioConfig({ maxLength: 5000 }))).toMatchObject({ status: 400, body: { field: 'config.maxLength' } });
    });
  });

  describe('Twilio voice', () => {
    it('calls with inline TwiML that says the message; event data cannot end the <Say> or add a verb; 4,000 characters at most', async () => {
      const d = await createChannel(t, 'twiliovoice', twilioConfig({ voice: 'Polly.Joanna', language: 'en-US' }), { eventTypes: ['security_event.created'] });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'delivered', statusCode: 201 });
      expect(twilio.last.url.pathname).toBe(`/2010-04-01/Accounts/${AC}/Calls.json`);
      expect(twilio.last.form!.get('Twiml')).toMatch(/^<Response><Say voice="Polly.Joanna" language="en-US" loop="2">/);
      const hostile = `</Say><Dial>+19005550000</Dial><Say>"it's" & more`;
      await pushEvent(t, { severity: 'critical', threatName: hostile, filePath: '/home/' + "'".repeat(1000), process: '<'.repeat(400), server: '&'.repeat(200) });
      const [, req] = await until(() => twilio.accepted, (a) => a.length === 2, 'the call');
      const twiml = req.form!.get('Twiml')!;
      expect(twiml.length).toBeLessThanOrEqual(4000);
      expect(twiml.length).toBeGreaterThan(3900); // cut to fit, not refused
      const said = twimlSay(twiml);
      expect(said).not.toBeNull();
      expect(said).toContain(`Critical detection: ${hostile} on shop.example`);
      expect(twiml).not.toContain('<Dial>');
      expect((await t.api('DELETE', `/v1/destinations/${d.id}`)).status).toBe(204);
    });

    it('requires a caller number', async () => {
      const res = await t.api('POST', '/v1/destinations', { body: { kind: 'twiliovoice', name: 'x', config: twilioConfig({ from: undefined, messagingServiceSid: 'MG' + 'a'.repeat(32) }) } });
      expect(res).toMatchObject({ status: 400, body: { field: 'config.messagingServiceSid' } });
      const res2 = await t.api('POST', '/v1/destinations', { body: { kind: 'twiliovoice', name: 'x', config: twilioConfig({ from: undefined }) } });
      expect(res2).toMatchObject({ status: 400, body: { field: 'config.from' } });
    });
  });

  describe('WhatsApp through Twilio', () => {
    it('sends from and to whatsapp:-prefixed numbers; with a template, ContentSid and its variables instead of Body', async () => {
      const d = await createChannel(t, 'twiliowhatsapp', twilioConfig());
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'delivered', statusCode: 201 });
      expect(twilio.last.form!.get('From')).toBe(`whatsapp:${FROM}`);
      expect(twilio.last.form!.get('To')).toBe(`whatsapp:${TO}`);
      expect(twilio.last.form!.get('Body')).toBeTruthy();

      const tpl = await createChannel(t, 'twiliowhatsapp', twilioConfig({ contentSid: 'HX' + 'b'.repeat(32) }), { eventTypes: ['security_event.created'] });
      await pushEvent(t, { threatName: '*bold* _x_ ~y~ ```code```' });
      const [, req] = await until(() => twilio.accepted, (a) => a.length === 2, 'the WhatsApp template');
      const f = req.form!;
      expect(f.get('ContentSid')).toBe('HX' + 'b'.repeat(32));
      expect(f.has('Body')).toBe(false);
      const vars = JSON.parse(f.get('ContentVariables')!);
      expect(vars['1']).toBe('High detection: *bold* _x_ ~y~ ```code``` on shop.example');
      expect(vars['2']).toContain('File: /home/shop/public_html/x.php');
      await t.api('DELETE', `/v1/destinations/${tpl.id}`);
      await t.api('DELETE', `/v1/destinations/${d.id}`);
    });
  });

  describe('Vonage SMS', () => {
    const config = (extra: object = {}) => ({ apiKey: 'a1b2c3d4', apiSecret: 'VonageSecret1', to: TO, from: 'hostdigest', apiUrl: vonage.base, ...extra });

    it('posts the form with api_key and api_secret, the number without +; non-GSM text as unicode; a long text in several parts, all checked', async () => {
      const d = await createChannel(t, 'vonage', config(), { eventTypes: ['security_event.created'] });
      expect(d.config).toEqual({ apiKey: 'a1b2c3d4', to: TO, from: 'hostdigest', apiUrl: vonage.base });
      expect(d.secrets).toEqual({ apiSecret: 'encrypted' });
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'delivered', statusCode: 200 });
      const f = vonage.last.form!;
      expect(f.get('to')).toBe('447700900123');
      expect(f.get('client-ref')).toBe(r.deliveryId);
      expect(JSON.stringify((await lastAttempt(t, r.deliveryId)).attempt)).not.toContain('VonageSecret1');

      await pushEvent(t, { threatName: 'Вредонос.Шелл 🐚', filePath: '/home/' + 'x'.repeat(2000) });
      const [, req] = await until(() => vonage.accepted, (a) => a.length === 2, 'the Vonage SMS');
      expect(req.form!.get('type')).toBe('unicode');
      expect(req.form!.get('text')).toContain('Вредонос.Шелл 🐚');
      expect((req.reply.body as any).messages.length).toBeGreaterThan(1);
      expect((await t.api('DELETE', `/v1/destinations/${d.id}`)).status).toBe(204);
    });

    it('reads failures inside HTTP 200: status 4 disables, status 1 is retried, 29 is a permanent config error', async () => {
      const bad = await createChannel(t, 'vonage', config({ apiSecret: 'WrongSecret' }));
      const r = await testChannel(t, bad.id);
      expect(r).toMatchObject({ status: 'dead', error: 'credentials: status 4 Bad Credentials' });
      expect((await lastAttempt(t, r.deliveryId)).attempt.response.status).toBe(200);
      expect(vonage.requests).toHaveLength(1);
      expect(vonage.accepted).toHaveLength(0); // refused inside the 200
      expect((await t.api('GET', `/v1/destinations/${bad.id}`)).body.health.disabledReason).toBe('invalid_credentials');

      const d = await createChannel(t, 'vonage', config());
      vonage.script({ status: 200, body: { 'message-count': '1', messages: [{ status: '1', 'error-text': 'Throughput Rate Exceeded - please wait [ 250 ] and retry' }] } });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'failed', outcome: 'transient_error', error: expect.stringMatching(/^rate_limited: status 1 Throughput/) });
      vonage.script({ status: 200, body: { 'message-count': '2', messages: [{ status: '0', 'message-id': 'a' }, { status: '5', 'error-text': 'Internal Error' }] } });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'failed', error: 'transient: status 5 Internal Error (1 of 2 parts sent)' });

      const barred = await createChannel(t, 'vonage', config({ to: '+447700900999' }));
      expect(await testChannel(t, barred.id)).toMatchObject({ status: 'dead', error: 'config: status 29 Non White-listed Destination - rejected' });
      expect((await t.api('GET', `/v1/destinations/${barred.id}`)).body.health.state).toBe('enabled');
      const res = await t.api('POST', '/v1/destinations', { body: { kind: 'vonage', name: 'x', config: config({ from: 'a sender name too long' }) } });
      expect(res).toMatchObject({ status: 400, body: { field: 'config.from' } });
    });
  });

  describe('Vonage Messages API', () => {
    const config = (extra: object = {}) => ({ apiKey: 'a1b2c3d4', apiSecret: 'VonageSecret1', to: TO, from: '447700900001', apiUrl: messages.base, ...extra });

    it('sends SMS or WhatsApp text as JSON with Basic key:secret, numbers without +, cut to 1,600 characters', async () => {
      const d = await createChannel(t, 'vonagemessages', config({ channel: 'whatsapp' }), { eventTypes: ['security_event.created'] });
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'delivered', statusCode: 202 });
      expect(messages.last.headers.authorization).toBe(basic('a1b2c3d4', 'VonageSecret1'));
      expect(messages.last.json).toMatchObject({ message_type: 'text', channel: 'whatsapp', to: '447700900123', from: '447700900001', client_ref: r.deliveryId });
      expect((await lastAttempt(t, r.deliveryId)).attempt.response.messageUuid).toMatch(/^aaaaaaaa-/);
      await pushEvent(t, { filePath: '/home/' + 'p/'.repeat(1500), threatName: 'T'.repeat(490), process: 'P'.repeat(400), server: 'S'.repeat(200) });
      const [, req] = await until(() => messages.accepted, (a) => a.length === 2, 'the message');
      expect(req.json.text.length).toBeLessThanOrEqual(1600);
      expect(req.json.text.length).toBeGreaterThan(1500);
      expect((await t.api('DELETE', `/v1/destinations/${d.id}`)).status).toBe(204);
      const named = await t.api('POST', '/v1/destinations', { body: { kind: 'vonagemessages', name: 'x', config: config({ channel: 'whatsapp', from: 'hostdigest' }) } });
      expect(named).toMatchObject({ status: 400, body: { field: 'config.from' } });
    });

    it('classifies RFC 7807 answers: 401 disables, 402 out of credit is a config error, 429 waits for Retry-After, 422 is permanent', async () => {
      const bad = await createChannel(t, 'vonagemessages', config({ apiSecret: 'WrongSecret' }));
      expect(await testChannel(t, bad.id)).toMatchObject({ status: 'dead', error: 'credentials: HTTP 401 Unauthorized: You did not provide correct credentials.' });
      expect((await t.api('GET', `/v1/destinations/${bad.id}`)).body.health.disabledReason).toBe('invalid_credentials');
      const d = await createChannel(t, 'vonagemessages', config({ from: 'hostdigest' }));
      const problem = (status: number, title: string, headers: Record<string, string> = {}) => ({ status, headers: { 'content-type': 'application/problem+json', ...headers }, body: JSON.stringify({ type: 'https://developer.vonage.com/api-errors', title, detail: 'x', instance: 'i' }) });
      messages.script(problem(402, 'Low balance'));
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'dead', error: 'config: HTTP 402 Low balance: x' });
      messages.script(problem(429, 'Rate Limit Hit', { 'retry-after': '12' }));
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'failed', error: 'rate_limited: HTTP 429 Rate Limit Hit: x' });
      expect((await lastAttempt(t, r.deliveryId)).attempt.response.retryAfterSeconds).toBe(12);
      messages.script(problem(422, 'Invalid params'));
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'dead', error: 'payload: HTTP 422 Invalid params: x' });
      expect((await t.api('GET', `/v1/destinations/${d.id}`)).body.health.state).toBe('enabled');
    });
  });

  describe('Apprise URLs', () => {
    it('creates Twilio destinations from twilio:// (w: for WhatsApp, method=call for a call), the token an env:NAME reference; shown back masked', async () => {
      const wa = await t.api('POST', '/v1/destinations', { body: { name: 'wa', appriseUrl: `twilio://${AC}:env:TWILIO_TOKEN@14155550100/w:447700900123` } });
      expect(wa.status).toBe(201);
      expect(wa.body).toMatchObject({ kind: 'twiliowhatsapp', config: { accountSid: AC, from: FROM, to: TO }, secrets: { authToken: 'env:TWILIO_TOKEN' } });
      expect(wa.body.appriseUrl).toBe(`twilio://${AC}:env:TWILIO_TOKEN@${FROM}/w:${TO}`);
      const patched = await t.api('PATCH', `/v1/destinations/${wa.body.id}`, { body: { config: { ...wa.body.config, apiUrl: twilio.base } } });
      expect(patched.status).toBe(200);
      expect(await testChannel(t, wa.body.id)).toMatchObject({ status: 'delivered' });
      expect(twilio.last.headers.authorization).toBe(basic(AC, TOKEN));
      expect(twilio.last.form!.get('To')).toBe(`whatsapp:${TO}`);

      const call = await t.api('POST', '/v1/destinations', { body: { name: 'call', appriseUrl: `twilio://${AC}:${TOKEN}@${FROM}/${TO}?method=call` } });
      expect(call.body).toMatchObject({ kind: 'twiliovoice', appriseUrl: `twilio://${AC}:****@${FROM}/${TO}?method=call` });
      expect(JSON.stringify(call.body)).not.toContain(TOKEN);
      const vonage = await t.api('POST', '/v1/destinations', { body: { name: 'v', appriseUrl: 'nexmo://a1b2c3d4:VonageSecret1@hostdigest/447700900123' } });
      expect(vonage.body).toMatchObject({ kind: 'vonage', appriseUrl: `vonage://a1b2c3d4:****@hostdigest/${TO}` });
      const bad = await t.api('POST', '/v1/destinations', { body: { name: 'x', appriseUrl: `twilio://${AC}:${TOKEN}@${FROM}/${TO}/+447700900124` } });
      expect(bad).toMatchObject({ status: 400, body: { field: 'appriseUrl', message: expect.stringContaining('one recipient per destination') } });
      expect(JSON.stringify(bad.body)).not.toContain(TOKEN);
    });
  });
});
