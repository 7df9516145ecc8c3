import { FakeChannelServer } from './fakes/fake-channel-server';
import { ntfyFake } from './fakes/fake-ntfy';
import { slackApiFake } from './fakes/fake-slack';
import { createChannel, until } from './support/channel-harness';
import { customerWithSites, fixClock, insertEvents, orgId, subscribe } from './support/digest-fixtures';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';

// Channel message templates (channel.*): edited per brand through the templates API, rendered when a channel's
// delivery is composed, and still escaped by each channel.
describe('channel templates', () => {
  let t: TestApp;
  let ntfy: FakeChannelServer;
  let slack: FakeChannelServer;
  let sink: SmtpSink;
  const LOGO = 'https://cdn.northwind.example/logo.png';
  let seq = 0;

  beforeAll(async () => {
    ntfy = await FakeChannelServer.start(ntfyFake('tk_goodtoken'));
    slack = await FakeChannelServer.start(slackApiFake('xoxb-1-good', ['C0123']));
    sink = await SmtpSink.start();
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000', SMTP_URL: sink.url });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
    await ntfy.stop();
    await slack.stop();
  });
  beforeEach(() => {
    ntfy.reset();
    slack.reset();
  });

  const brand = async (name: string) => {
    const res = await t.api('POST', '/v1/brands', { body: { name, logoUrl: LOGO, portalUrl: 'https://portal.northwind.example' } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  // A customer of the brand with one site; returns the site's domain.
  const customer = async (brandId: string | null, locale = 'en') => {
    const ref = `ct-${process.pid}-${seq++}`;
    const c = await t.api('POST', '/v1/customers', { body: { externalRef: ref, name: `Customer ${ref}`, emails: [`it@${ref}.example`], locale, ...(brandId ? { brandId } : {}) } });
    expect(c.status).toBe(201);
    const domain = `${ref}.example`;
    expect((await t.api('POST', `/v1/customers/${c.body.id}/sites`, { body: { domains: [domain] } })).status).toBe(201);
    return domain;
  };
  const push = async (domain: string, fields: Record<string, unknown> = {}) => {
    const res = await t.api('POST', '/v1/events', {
      body: { events: [{ source: 'scanner', externalId: `ct-ev-${process.pid}-${seq++}`, kind: 'detection', severity: 'high', occurredAt: '2026-11-20T16:05:00Z', domain, filePath: '/home/shop/x.php', threatName: 'PHP.Webshell.WSO', ...fields }] },
    });
    expect(res.body.created).toBe(1);
  };
  const override = async (brandId: string, kind: string, parts: Record<string, unknown>) => {
    const created = await t.api('POST', '/v1/templates', { body: { brandId, kind } });
    expect(created.status).toBe(201);
    const saved = await t.api('POST', `/v1/templates/${created.body.id}/versions`, { body: { ...parts, publish: true, note: 'ours' } });
    expect(saved.status).toBe(201);
    return created.body;
  };
  const ntfyChannel = (customerBrandTopic: string) =>
    createChannel(t, 'ntfy', { serverUrl: ntfy.base, topic: customerBrandTopic, token: 'tk_goodtoken' }, { eventTypes: ['security_event.created'] });

  it('lists the channel kinds with their four parts and serves their shipped defaults', async () => {
    const kinds = (await t.api('GET', '/v1/template-kinds')).body.data;
    const ev = kinds.find((k: any) => k.kind === 'channel.security_event');
    expect(ev).toMatchObject({ family: 'channel', parts: ['title', 'body', 'link', 'severity'] });
    expect(ev.variables.map((v: any) => v.path)).toEqual(expect.arrayContaining(['event.threatName', 'where', 'brand.name']));
    expect(kinds.find((k: any) => k.kind === 'digest.daily')).toMatchObject({ family: 'email', parts: ['subject', 'mjml', 'text'] });
    const def = await t.api('GET', '/v1/template-kinds/channel.rule.fired/default');
    expect(def.status).toBe(200);
    expect(Object.keys(def.body).sort()).toEqual(['body', 'link', 'severity', 'title']);
    expect(def.body.title).toContain('{{rule.name}}');
  });

  it('a brand’s own template changes what its customers’ channels receive; other brands keep the default text', async () => {
    const ours = await brand('Northwind Hosting');
    const tpl = await override(ours, 'channel.security_event', {
      title: '{{brand.name}}: {{event.threatName}} found',
      body: 'Site: {{where}}\nFile: {{event.filePath}}\nCustomer: {{customer.name}}',
      link: '{{brand.portalUrl}}/events/{{event.id}}',
      severity: 'critical',
    });
    expect(tpl.published).toMatchObject({ version: 1 });
    const v2 = await t.api('GET', `/v1/templates/${tpl.id}/versions/2`);
    expect(v2.body).toMatchObject({ status: 'published', title: '{{brand.name}}: {{event.threatName}} found', subject: '', mjml: '', text: '' });

    const theirs = await customer(ours);
    const plain = await customer(null);
    await ntfyChannel('branded');
    await push(theirs);
    await push(plain);
    const [a, b] = await until(() => ntfy.accepted, (x) => x.length === 2, 'two ntfy messages');
    const [own, other] = a.json.message.includes(theirs) ? [a.json, b.json] : [b.json, a.json];
    expect(own.title).toBe('Northwind Hosting: PHP.Webshell.WSO found');
    expect(own.message).toMatch(new RegExp(`^Site: ${theirs.replace(/\./g, '\\.')}\nFile: /home/shop/x\\.php\nCustomer: Customer ct-`));
    expect(own.priority).toBe(5); // severity critical from the template, not the event's high
    expect(own.click).toMatch(/^https:\/\/portal\.northwind\.example\/events\/\d+$/);
    expect(own.icon).toBe(LOGO);
    // The default brand's customer: the shipped default, the text built in code before templates existed.
    expect(other.title).toBe(`High detection: PHP.Webshell.WSO on ${plain}`);
    expect(other.message).toBe(`Threat: PHP.Webshell.WSO\nFile: /home/shop/x.php\nSite: ${plain}\nCustomer: Customer ${plain.replace('.example', '')}\nOccurred: 2026-11-20T16:05:00.000Z`);
    expect(other.priority).toBe(4);
  });

  it('hostile event data and markup written in the template itself are still escaped by the channel (Slack), and the logo is its icon', async () => {
    const ours = await brand('Escaping Hosting');
    await override(ours, 'channel.security_event', {
      title: '<!channel> {{event.threatName}}', body: '<!here> {{event.filePath}} <https://evil.example|click>', link: 'javascript:alert(1)', severity: '{{severity}}',
    });
    const domain = await customer(ours);
    await createChannel(t, 'slack', { botToken: 'xoxb-1-good', channel: 'C0123', apiUrl: `${slack.base}/api`, brandIcon: true }, { eventTypes: ['security_event.created'] });
    await push(domain, { threatName: '@everyone <!here> <https://evil.example|x>', filePath: '/x/<script>alert(1)</script>.php' });
    const [req] = await until(() => slack.accepted, (a) => a.length === 1, 'the Slack message');
    const text: string = req.json.text;
    expect(text).toContain('*&lt;!channel&gt; @everyone &lt;!here&gt; &lt;https://evil.example|x&gt;*');
    expect(text).toContain('&lt;!here&gt; /x/&lt;script&gt;alert(1)&lt;/script&gt;.php &lt;https://evil.example|click&gt;');
    expect(text).not.toMatch(/<[!@#]/);
    expect(text).not.toContain('javascript:'); // not an http(s) link: dropped
    expect(req.json.icon_url).toBe(LOGO);
    const plain = await createChannel(t, 'slack', { botToken: 'xoxb-1-good', channel: 'C0123', apiUrl: `${slack.base}/api` });
    const res = await t.api('POST', `/v1/destinations/${plain.id}/test`);
    expect(res.body).toMatchObject({ status: 'delivered' });
    expect(slack.last.json.icon_url).toBeUndefined(); // only when asked (brandIcon)
  });

  it('overrides parts for one destination kind (byKind): Slack gets its own title, ntfy the base; previewed either way', async () => {
    const ours = await brand('ByKind Hosting');
    const tpl = await override(ours, 'channel.security_event', {
      title: 'Base: {{event.threatName}}', body: 'b {{where}}', link: '', severity: 'low', byKind: { slack: { title: 'Slack: {{event.threatName}}' } },
    });
    const domain = await customer(ours);
    await push(domain, { threatName: 'ByKind.X' });
    const [s] = await until(() => slack.accepted.filter((r) => r.json.text.includes(domain)), (a) => a.length === 1, 'the Slack message');
    expect(s.json.text).toBe(`*Slack: ByKind.X*\nb ${domain}`);
    const [n] = await until(() => ntfy.accepted.filter((r) => String(r.json.message).includes(domain)), (a) => a.length === 1, 'the ntfy message');
    expect(n.json).toMatchObject({ title: 'Base: ByKind.X', message: `b ${domain}`, priority: 2 });

    const preview = (body: Record<string, unknown>) => t.api('POST', `/v1/templates/${tpl.id}/preview`, { body });
    expect((await preview({ destinationKind: 'slack' })).body.title).toBe('Slack: PHP.Webshell.WSO');
    expect((await preview({})).body.title).toBe('Base: PHP.Webshell.WSO');
    expect((await preview({ destinationKind: 'telegraph' })).body).toMatchObject({ code: 'validation_failed', field: 'destinationKind' });
    const saved = await t.api('GET', `/v1/templates/${tpl.id}/versions/2`);
    expect(saved.body.byKind).toEqual({ slack: { title: 'Slack: {{event.threatName}}' } });
  });

  it.each([
    [{ twillio: { body: 'x' } }, 400, 'byKind.twillio'],
    [{ slack: { subject: 'x' } }, 400, 'byKind.slack.subject'],
    [{ slack: {} }, 400, 'byKind.slack'],
    [['slack'], 400, 'byKind'],
    [{ twilio: { body: '{{#if where}}never closed' } }, 422, 'body'],
  ])('refuses the override %j with %i on %s', async (byKind, status, field) => {
    const ours = await brand(`ByKind bad ${seq++}`);
    const created = (await t.api('POST', '/v1/templates', { body: { brandId: ours, kind: 'channel.rule.fired' } })).body;
    const res = await t.api('POST', `/v1/templates/${created.id}/versions`, { body: { title: 't', body: 'b', link: '', severity: 'info', byKind } });
    expect([res.status, res.body.field]).toEqual([status, field]);
    if (status === 422) expect(res.body.errors[0]).toMatchObject({ part: 'body', channelKind: 'twilio', line: 1 });
  });

  it('refuses a broken template with 422, the part, line and column, and saves nothing; a part of the other family is a 400', async () => {
    const ours = await brand('Broken Hosting');
    const created = (await t.api('POST', '/v1/templates', { body: { brandId: ours, kind: 'channel.security_event' } })).body;
    const parts = { title: 'ok', body: 'line one\n{{#if event.threatName}}never closed', link: '', severity: 'info' };
    const bad = await t.api('POST', `/v1/templates/${created.id}/versions`, { body: parts });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'template_invalid', field: 'body' });
    expect(bad.body.errors[0]).toMatchObject({ part: 'body', line: 2 });
    const helper = await t.api('POST', `/v1/templates/${created.id}/versions`, { body: { ...parts, body: 'x', title: '{{lookup (constructor) "x"}} {{shell "rm"}}' } });
    expect(helper.status).toBe(422);
    expect(helper.body.field).toBe('title');
    const email = await t.api('POST', `/v1/templates/${created.id}/versions`, { body: { ...parts, body: 'x', subject: 'Hi' } });
    expect(email.status).toBe(400);
    expect(email.body).toMatchObject({ code: 'validation_failed', field: 'subject' });
    const missing = await t.api('POST', `/v1/templates/${created.id}/versions`, { body: { title: 'x', body: 'y' } });
    expect(missing.status).toBe(400);
    expect(missing.body.field).toBe('link');
    expect((await t.api('GET', `/v1/templates/${created.id}`)).body.latestVersion).toBe(1);
  });

  it('previews unsaved parts with sample data in a locale, with unknown variables as warnings, and a broken one with the same 422', async () => {
    const ours = await brand('Preview Hosting');
    const created = (await t.api('POST', '/v1/templates', { body: { brandId: ours, kind: 'channel.security_event' } })).body;
    const published = await t.api('POST', `/v1/templates/${created.id}/preview`, { body: { locale: 'de' } });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ title: 'Hoch detection: PHP.Webshell.WSO auf shop.sonnenschein-bakery.example', severity: 'high', link: '', warnings: [] });
    expect(published.body.body).toContain('Bedrohung: PHP.Webshell.WSO');
    const unsaved = await t.api('POST', `/v1/templates/${created.id}/preview`, {
      body: { source: { title: '{{brand.name}} · {{event.kind}} · {{evnt.id}}', body: '{{where}}', link: '{{brand.portalUrl}}', severity: 'low' }, brand: { name: 'Unsaved Name' } },
    });
    expect(unsaved.status).toBe(200);
    expect(unsaved.body).toMatchObject({ title: 'Unsaved Name · detection ·', body: 'shop.sonnenschein-bakery.example', link: 'https://portal.northwind.example', severity: 'low', chars: 32 });
    expect(unsaved.body.warnings[0]).toMatchObject({ part: 'title', line: 1 });
    const broken = await t.api('POST', `/v1/templates/${created.id}/preview`, { body: { source: { title: '{{#each}}', body: '', link: '', severity: '' } } });
    expect(broken.status).toBe(422);
    expect(broken.body.field).toBe('title');
  });

  it('a rule’s action on a channel sends the brand’s channel.rule.fired text in its brand (logo as icon)', async () => {
    const ours = await brand('Rules Hosting');
    await override(ours, 'channel.rule.fired', {
      title: '{{rule.name}} for {{customer.name}} ({{brand.name}})',
      body: '{{#each events}}\n{{threatName}} @ {{where}}\n{{/each}}',
      link: '{{brand.portalUrl}}/rules/{{rule.id}}',
      severity: '{{severity}}',
    });
    const domain = await customer(ours);
    const dest = await createChannel(t, 'ntfy', { serverUrl: ntfy.base, topic: 'rules', token: 'tk_goodtoken' });
    const rule = await t.api('POST', '/v1/rules', { body: {
      name: 'Templated burst', trigger: { type: 'event', filter: { kinds: ['detection'], threatName: 'ruletpl.*' } }, groupWindowSeconds: 0, actions: [{ destinationId: dest.id }],
    } });
    expect(rule.status).toBe(201);
    await push(domain, { threatName: 'RuleTpl.Shell', severity: 'critical' });
    const [msg] = await until(() => ntfy.accepted.filter((r) => r.json.topic === 'rules'), (a) => a.length === 1, 'the rule’s ntfy message');
    expect(msg.json).toMatchObject({
      title: `Templated burst for Customer ${domain.replace('.example', '')} (Rules Hosting)`, message: `RuleTpl.Shell @ ${domain}`,
      click: `https://portal.northwind.example/rules/${rule.body.id}`, priority: 5, icon: LOGO,
    });
  });

  // Last: it sets the service's clock.
  it('a chat channel subscribed to digest.sent gets a short notice in the customer’s locale; a paging channel cannot subscribe', async () => {
    const pager = await t.api('POST', '/v1/destinations', { body: { kind: 'pagerduty', name: 'pd', config: { routingKey: 'R0123456789abcdef0123456789abcde' }, eventTypes: ['digest.sent'] } });
    expect(pager.status).toBe(400);
    expect(pager.body.field).toBe('eventTypes');

    fixClock(t, '2026-11-20T12:00:00Z');
    const c = await customerWithSites(t, `dg${process.pid}`, { locale: 'de' });
    await subscribe(t, c.customerId, { cadence: 'weekly', dayOfWeek: 1, sendTime: '08:00' });
    await insertEvents(t, await orgId(t), c, [
      { kind: 'detection', severity: 'critical', site: 1, at: '2026-11-18T09:00:00Z', path: '/home/a/x.php', threat: 'PHP.Webshell' },
      { kind: 'cleanup', site: 1, at: '2026-11-18T10:00:00Z', path: '/home/a/x.php' },
      { kind: 'detection', severity: 'high', site: 0, at: '2026-11-19T09:00:00Z', path: '/home/a/shell.php', threat: 'PHP.Backdoor' },
    ]);
    await createChannel(t, 'ntfy', { serverUrl: ntfy.base, topic: 'digests', token: 'tk_goodtoken' }, { eventTypes: ['digest.sent'], customerId: c.customerId });
    fixClock(t, '2026-11-23T07:00:30Z');
    expect((await t.api('POST', '/v1/digests/run', { body: {} })).status).toBeLessThan(300);
    const [msg] = await until(() => ntfy.accepted, (a) => a.length === 1, 'the digest notice', 20_000);
    expect(msg.json).toMatchObject({ topic: 'digests', title: `Wöchentlicher Sicherheitsbericht — Customer dg${process.pid}`, priority: 3 });
    expect(msg.json.message).toBe('16.11.2026 – 22.11.2026\nFunde: 2 · Bereinigt: 1 · Offen: 1\n1 Bedrohung braucht Aufmerksamkeit.');
    expect(msg.json.click).toMatch(/^http:\/\/.+\/p\/[\w.-]+$/); // no portal: the customer's hosted page
  });
});
