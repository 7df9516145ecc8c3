import { FakeChannelServer } from './fakes/fake-channel-server';
import { opsgenieFake } from './fakes/fake-opsgenie';
import { pagerDutyFake } from './fakes/fake-pagerduty';
import { createChannel, until } from './support/channel-harness';
import { customerWithSites } from './support/digest-fixtures';
import { startTestApp, TestApp } from './support/test-app';

// A rule's action on a paging channel: the site's infection opens a PagerDuty incident (an Opsgenie alert) keyed by
// the rule's incident, and its recovery (every threat cleaned) resolves (closes) the same one.
describe('rules into paging channels', () => {
  let t: TestApp;
  const ROUTING = 'R0123456789abcdef0123456789abcde';
  const handler = pagerDutyFake(ROUTING);
  let pd: FakeChannelServer;
  const GENIE = 'eb243592-faa2-4ba2-a551-1afdf565c889';
  const genie = opsgenieFake(GENIE);
  let og: FakeChannelServer;

  beforeAll(async () => {
    pd = await FakeChannelServer.start(handler);
    og = await FakeChannelServer.start(genie);
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '100000' });
  });
  afterAll(async () => {
    await t.close();
    await pd.stop();
    await og.stop();
  });

  it('triggers on clean → infected and resolves the same dedup_key on infected → clean', async () => {
    const site = await customerWithSites(t, 'pager');
    const pager = await createChannel(t, 'pagerduty', { routingKey: ROUTING, apiUrl: pd.base });
    const rule = await t.api('POST', '/v1/rules', { body: {
      name: 'Site infected', trigger: { type: 'transition', state: 'infection' }, groupWindowSeconds: 0, actions: [{ destinationId: pager.id }],
    } });
    expect(rule.status).toBe(201);
    const at = Date.now() - 3600_000;
    const ev = (kind: string, minute: number, id: string) => ({
      source: 'pager', externalId: id, kind, severity: 'critical', occurredAt: new Date(at + minute * 60_000).toISOString(), domain: site.domains[0],
      filePath: '/home/u/public_html/shell.php', threatName: 'PHP.Webshell.WSO',
    });
    expect((await t.api('POST', '/v1/events', { body: { events: [ev('detection', 0, 'p1')] } })).status).toBe(200);
    const [opened] = await until(() => pd.accepted, (a) => a.length === 1, 'the trigger');
    expect(opened.json).toMatchObject({ event_action: 'trigger', payload: { severity: 'critical', summary: expect.stringContaining('Site infected — ') } });
    expect(opened.json.payload.summary).toContain('clean → infected');
    expect(opened.json.dedup_key).toMatch(new RegExp(`^rule:${rule.body.id}:`));

    expect((await t.api('POST', '/v1/events', { body: { events: [ev('cleanup', 5, 'p2')] } })).status).toBe(200);
    const [, closed] = await until(() => pd.accepted, (a) => a.length === 2, 'the resolve');
    expect(closed.json).toMatchObject({ event_action: 'resolve', dedup_key: opened.json.dedup_key });
    expect(handler.open.size).toBe(0);
  });

  it('opens an Opsgenie alert aliased by the incident on clean → infected and closes it by alias on infected → clean', async () => {
    const site = await customerWithSites(t, 'genie');
    const alerts = await createChannel(t, 'opsgenie', { apiKey: GENIE, apiUrl: og.base });
    const rule = await t.api('POST', '/v1/rules', { body: {
      name: 'Site infected (on call)', trigger: { type: 'transition', state: 'infection' }, groupWindowSeconds: 0, actions: [{ destinationId: alerts.id }],
    } });
    expect(rule.status).toBe(201);
    const at = Date.now() - 3600_000;
    const ev = (kind: string, minute: number, id: string) => ({
      source: 'genie', externalId: id, kind, severity: 'high', occurredAt: new Date(at + minute * 60_000).toISOString(), domain: site.domains[0],
      filePath: '/home/g/public_html/wp-load.php', threatName: 'PHP.Backdoor.Generic',
    });
    expect((await t.api('POST', '/v1/events', { body: { events: [ev('detection', 0, 'g1')] } })).status).toBe(200);
    const [opened] = await until(() => og.accepted, (a) => a.length === 1, 'the alert');
    expect(opened.url.pathname).toBe('/v2/alerts');
    expect(opened.json.alias).toMatch(new RegExp(`^rule:${rule.body.id}:`));
    expect(opened.json.message).toContain('clean → infected');
    expect(opened.json.priority).toBe('P2');
    expect(genie.open.get(opened.json.alias)).toBe(1);

    expect((await t.api('POST', '/v1/events', { body: { events: [ev('cleanup', 5, 'g2')] } })).status).toBe(200);
    const [, closed] = await until(() => og.accepted, (a) => a.length === 2, 'the close');
    expect(closed.url.pathname).toBe(`/v2/alerts/${encodeURIComponent(opened.json.alias)}/close`);
    expect(closed.url.searchParams.get('identifierType')).toBe('alias');
    expect(genie.open.size).toBe(0);
  });
});
