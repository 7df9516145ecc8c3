import { Destinations } from '../src/destinations/destinations';
import { DestinationsService } from '../src/destinations/destinations.service';
import { FakeChannelServer } from './fakes/fake-channel-server';
import { opsgenieFake } from './fakes/fake-opsgenie';
import { pagerDutyFake } from './fakes/fake-pagerduty';
import { createChannel, lastAttempt, pushEvent, testChannel, until } from './support/channel-harness';
import { startTestApp, TestApp } from './support/test-app';

// Paging channels against fakes of their APIs: a security event opens an alert keyed by the event (a repeat folds
// into it), and a message that says the incident recovered resolves the same key.
describe('paging channels', () => {
  let t: TestApp;
  const ROUTING = 'R0123456789abcdef0123456789abcde';
  const pdHandler = pagerDutyFake(ROUTING);
  const ogHandler = opsgenieFake('eb243592-faa2-4ba2-a551q-1afdf565c889');
  let pd: FakeChannelServer;
  let og: FakeChannelServer;

  beforeAll(async () => {
    pd = await FakeChannelServer.start(pdHandler);
    og = await FakeChannelServer.start(ogHandler);
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000' });
  });
  afterAll(async () => {
    await t.close();
    await pd.stop();
    await og.stop();
  });
  beforeEach(() => {
    pd.reset();
    og.reset();
  });

  // A message as the rules issue's incidents will send it (no cause sends one yet): opened, then recovered.
  const incident = async (destinationId: string, type: string, severity = 'critical') => {
    const target = await t.app.get(DestinationsService).target(destinationId, (await t.api('GET', '/v1/organization')).body.id);
    const adapter = t.app.get(Destinations).get(target!.kind)!;
    return adapter.send({
      id: '00000000-0000-4000-8000-000000000001', organizationId: target!.organizationId, customerId: null, attempt: 1, round: 0, payload: {}, target,
      message: { event: { type, timestamp: '2026-12-03T08:00:00.000Z', data: { incident: { id: 'inc-42' }, severity, link: 'https://ops.example/incidents/42' } } },
    });
  };

  describe('PagerDuty', () => {
    it('triggers with dedup_key, summary, source and severity; the routing key is write-only', async () => {
      const d = await createChannel(t, 'pagerduty', { routingKey: ROUTING, apiUrl: pd.base, source: 'hostdigest-eu1', component: 'scanner' }, { eventTypes: ['security_event.created'] });
      expect(d.secrets).toEqual({ routingKey: 'encrypted' });
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'delivered', statusCode: 202 });
      expect(pd.last.json).toMatchObject({ routing_key: ROUTING, event_action: 'trigger', dedup_key: `delivery:${r.deliveryId}`, payload: { source: 'hostdigest-eu1', severity: 'info', component: 'scanner' } });
      const { attempt } = await lastAttempt(t, r.deliveryId);
      expect(attempt.response.dedupKey).toBe(`delivery:${r.deliveryId}`);
      expect(JSON.stringify(attempt)).not.toContain(ROUTING);
      await pushEvent(t, { severity: 'high', threatName: 'T'.repeat(490) });
      const [, req] = await until(() => pd.accepted, (a) => a.length === 2, 'the PagerDuty event');
      expect(req.json.payload.severity).toBe('error');
      expect(req.json.dedup_key).toMatch(/^security_event\.created:/);
      expect(req.json.payload.summary.length).toBeLessThanOrEqual(1024);
    });

    it('opens an incident and resolves it by the same dedup_key when the message says it recovered', async () => {
      const d = await createChannel(t, 'pagerduty', { routingKey: ROUTING, apiUrl: pd.base });
      await incident(d.id, 'incident.opened');
      expect(pdHandler.open.has('incident:inc-42')).toBe(true);
      expect(pd.last.json).toMatchObject({ event_action: 'trigger', payload: { severity: 'critical' }, links: [{ href: 'https://ops.example/incidents/42', text: 'Open' }] });
      await incident(d.id, 'incident.recovered');
      expect(pd.last.json).toEqual({ routing_key: ROUTING, event_action: 'resolve', dedup_key: 'incident:inc-42' });
      expect(pdHandler.open.has('incident:inc-42')).toBe(false);
    });

    it('classifies: an invalid routing key disables; 429 waits 30 s (no Retry-After); 500 is retried', async () => {
      const bad = await createChannel(t, 'pagerduty', { routingKey: 'Rffffffffffffffffffffffffffffff0', apiUrl: pd.base });
      expect(await testChannel(t, bad.id)).toMatchObject({ status: 'dead', error: expect.stringMatching(/^credentials: HTTP 400 .*routing_key/) });
      expect((await t.api('GET', `/v1/destinations/${bad.id}`)).body.health.disabledReason).toBe('invalid_credentials');
      const d = await createChannel(t, 'pagerduty', { routingKey: ROUTING, apiUrl: pd.base });
      pd.script({ status: 429, body: { status: 'throttle event', message: 'Requests for this service are arriving too quickly.' } });
      const r = await testChannel(t, d.id);
      expect(r).toMatchObject({ status: 'failed', outcome: 'transient_error' });
      expect((await lastAttempt(t, r.deliveryId)).attempt.response.retryAfterSeconds).toBe(30);
      pd.script({ status: 502, body: 'bad gateway' });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'failed', outcome: 'transient_error' });
    });
  });

  describe('Opsgenie', () => {
    const KEY = 'eb243592-faa2-4ba2-a551q-1afdf565c889';

    it('creates an alert with GenieKey, alias, a message of at most 130 characters and the full text in the description', async () => {
      const d = await createChannel(t, 'opsgenie', { apiKey: KEY, apiUrl: og.base, tags: ['hostdigest'], entity: 'shop.example' }, { eventTypes: ['security_event.created'] });
      expect(d.secrets).toEqual({ apiKey: 'encrypted' });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'delivered', statusCode: 202 });
      expect(og.last.headers.authorization).toBe(`GenieKey ${KEY}`);
      await pushEvent(t, { severity: 'critical', threatName: 'Very.Long.Threat.Name.'.repeat(20) });
      const [, req] = await until(() => og.accepted, (a) => a.length === 2, 'the Opsgenie alert');
      expect(req.json.message.length).toBeLessThanOrEqual(130);
      expect(req.json.message.endsWith('…')).toBe(true);
      expect(req.json).toMatchObject({ priority: 'P1', tags: ['hostdigest'], entity: 'shop.example', source: 'hostdigest' });
      expect(req.json.description).toContain('Very.Long.Threat.Name.Very');
      expect(req.json.alias).toMatch(/^security_event\.created:/);
    });

    it('opens an alert by alias and closes it by alias on recovery', async () => {
      const d = await createChannel(t, 'opsgenie', { apiKey: KEY, apiUrl: og.base });
      await incident(d.id, 'incident.opened');
      await incident(d.id, 'incident.opened'); // a repeat folds into the open alert
      expect(ogHandler.open.get('incident:inc-42')).toBe(2);
      await incident(d.id, 'incident.resolved');
      expect(og.last.url.pathname).toBe('/v2/alerts/incident%3Ainc-42/close');
      expect(og.last.url.searchParams.get('identifierType')).toBe('alias');
      expect(ogHandler.open.has('incident:inc-42')).toBe(false);
    });

    it('classifies: a bad key disables; 429 waits X-RateLimit-Period-In-Sec; 422 is permanent', async () => {
      const bad = await createChannel(t, 'opsgenie', { apiKey: 'wrongkey-0000', apiUrl: og.base });
      expect(await testChannel(t, bad.id)).toMatchObject({ status: 'dead', error: 'credentials: HTTP 401 Could not authenticate' });
      const d = await createChannel(t, 'opsgenie', { apiKey: KEY, apiUrl: og.base, region: 'eu' });
      og.script({ status: 429, headers: { 'x-ratelimit-state': 'THROTTLED', 'x-ratelimit-period-in-sec': '60' }, body: { message: 'You are making too many requests!', took: 0, requestId: 'r' } });
      const r = await testChannel(t, d.id);
      expect((await lastAttempt(t, r.deliveryId)).attempt.response.retryAfterSeconds).toBe(60);
      og.script({ status: 422, body: { message: 'Request body is not processable.', took: 0, requestId: 'r' } });
      expect(await testChannel(t, d.id)).toMatchObject({ status: 'dead', error: 'payload: HTTP 422 Request body is not processable.' });
    });
  });
});
