import { escapeAngle, escapeDiscord, escapeMarkdownV2, escapeXml, fitBody, isGsm7, NTFY_PRIORITY, OPSGENIE_PRIORITY, PAGERDUTY_SEVERITY, PUSHOVER_PRIORITY } from './channel-format';
import { channelText } from './channel-message';

const securityEvent = (event: Record<string, unknown>) => ({
  event: {
    type: 'security_event.created', timestamp: '2026-11-20T16:05:00.000Z',
    data: { event: { id: 'e1', kind: 'detection', severity: 'high', threatName: 'PHP.Webshell', filePath: '/home/a/x.php', domain: 'a.example', occurredAt: '2026-11-20T16:05:00.000Z', ...event }, customer: { id: 'c', name: 'Acme' }, site: null },
  },
});

describe('channel text of a message', () => {
  it('takes subject and text when the message has them (a test, a notice)', () => {
    const t = channelText({ content: { subject: 'Test message: ops', text: 'It works.\n', html: '<p>It works.</p>' }, event: { type: 'notification.test', timestamp: 't', data: {} } }, 'd1');
    expect(t).toMatchObject({ title: 'Test message: ops', body: 'It works.', severity: 'info', action: 'trigger', key: 'delivery:d1', link: null });
  });

  it('writes a security_event.created from its data: title with severity, kind, threat and domain; the details as lines', () => {
    const t = channelText(securityEvent({}), 'd1')!;
    expect(t.title).toBe('High detection: PHP.Webshell on a.example');
    expect(t.body).toBe('Threat: PHP.Webshell\nFile: /home/a/x.php\nSite: a.example\nCustomer: Acme\nOccurred: 2026-11-20T16:05:00.000Z');
    expect(t).toMatchObject({ severity: 'high', key: 'security_event.created:e1', action: 'trigger' });
  });

  it('resolves by the incident key when the message says a thing recovered', () => {
    const t = channelText({ event: { type: 'incident.resolved', timestamp: 't', data: { incident: { id: 'i9' }, severity: 'critical' } } }, 'd1')!;
    expect(t).toMatchObject({ action: 'resolve', key: 'incident:i9', severity: 'critical', title: 'incident.resolved', body: 'incident.id: i9\nseverity: critical' });
    expect(channelText({ event: { type: 'x', timestamp: 't', data: { dedupKey: 'k1', action: 'resolve' } } }, 'd')).toMatchObject({ action: 'resolve', key: 'k1' });
  });

  it("writes a rule's firing: the rule, the customer and the change as title, its events as lines; a recovery resolves the incident the opening triggered", () => {
    const firing = (over: Record<string, unknown>) => ({
      event: {
        type: 'rule.fired', timestamp: 't',
        data: {
          rule: { id: 'r1', name: 'Site infected' }, trigger: 'transition', incident: 'site:s1@2026-11-20T16:05:00.000Z', customer: { id: 'c', name: 'Acme' },
          state: 'infection', from: 'clean', to: 'infected', opens: true, suppressed: 0, more: 0,
          events: [{ kind: 'detection', severity: 'high', threatName: 'PHP.Webshell', domain: 'a.example', filePath: '/x.php' }, { kind: 'detection', severity: 'critical', domain: 'a.example' }],
          ...over,
        },
      },
    });
    const opened = channelText(firing({}), 'd1')!;
    expect(opened).toMatchObject({
      title: 'Site infected — Acme: clean → infected', severity: 'critical', action: 'trigger', key: 'rule:r1:site:s1@2026-11-20T16:05:00.000Z',
      body: 'high detection: PHP.Webshell on a.example (/x.php)\ncritical detection on a.example',
    });
    const closed = channelText(firing({ from: 'infected', to: 'clean', opens: false, events: [{ kind: 'cleanup', severity: null, domain: 'a.example' }], more: 3, suppressed: 2 }), 'd2')!;
    expect(closed).toMatchObject({ action: 'resolve', key: opened.key, title: 'Site infected — Acme: infected → clean' });
    expect(closed.body).toBe('cleanup on a.example\nand 3 more\n(2 more held back by the rule\'s cooldown since the last message)');
  });

  it("writes an update of an open incident as an update, triggered again under the incident's key (a paging alert folds it in)", () => {
    const data = {
      rule: { id: 'r1', name: 'Site infected' }, trigger: 'transition', incident: 'site:s1@2026-11-20T16:05:00.000Z', customer: { id: 'c', name: 'Acme' },
      state: 'infection', from: 'infected', to: 'infected', update: true, suppressed: 0, more: 0, events: [{ kind: 'detection', severity: 'high', domain: 'a.example' }],
    };
    const t = channelText({ event: { type: 'rule.fired', timestamp: 't', data } }, 'd3')!;
    expect(t).toMatchObject({ action: 'trigger', key: 'rule:r1:site:s1@2026-11-20T16:05:00.000Z', title: 'Site infected — Acme: update, still infected' });
    expect(t.body).toBe('Update: still infected, more activity since the last message:\nhigh detection on a.example');
  });

  it('keeps only an http(s) link; a message with neither text nor event has no channel form', () => {
    expect(channelText({ event: { type: 'x', timestamp: 't', data: { link: 'javascript:alert(1)' } } }, 'd')!.link).toBeNull();
    expect(channelText({ event: { type: 'x', timestamp: 't', data: { link: 'https://p.example/e/1' } } }, 'd')!.link).toBe('https://p.example/e/1');
    expect(channelText({}, 'd')).toBeNull();
  });

  it('takes the brand’s logo as the icon when it is an http(s) URL', () => {
    const brand = (logoUrl: string | null) => ({ values: { logoUrl } }) as never;
    const e = securityEvent({});
    expect(channelText({ ...e, brand: brand('https://cdn.example/logo.png?v=2') }, 'd')!.icon).toBe('https://cdn.example/logo.png?v=2');
    expect(channelText({ ...e, brand: brand('data:image/png;base64,AAAA') }, 'd')!.icon).toBeNull();
    expect(channelText({ ...e, brand: brand(null) }, 'd')!.icon).toBeNull();
    expect(channelText(e, 'd')!.icon).toBeNull();
  });

  it('keeps hostile data on one line per field and a 10 KB threat name short in the title', () => {
    const t = channelText(securityEvent({ threatName: 'X'.repeat(10_000), filePath: '/a\n<!channel> @everyone' }), 'd')!;
    expect(t.title.length).toBeLessThan(400);
    expect(t.body.split('\n')[1]).toBe('File: /a <!channel> @everyone');
  });
});

describe('channel escaping', () => {
  it('Slack / Google Chat: & < > as entities, so <!channel>, <!here>, <users/all> and <url|x> cannot form', () => {
    expect(escapeAngle('<!channel> & <users/all> <https://evil.example|click>')).toBe('&lt;!channel&gt; &amp; &lt;users/all&gt; &lt;https://evil.example|click&gt;');
  });

  it('Telegram MarkdownV2: backslash first, then all 18 characters', () => {
    expect(escapeMarkdownV2('a\\b_*[]()~`>#+-=|{}.!')).toBe('a\\\\b\\_\\*\\[\\]\\(\\)\\~\\`\\>\\#\\+\\-\\=\\|\\{\\}\\.\\!');
    expect(escapeMarkdownV2('[click](https://evil.example)')).toBe('\\[click\\]\\(https://evil\\.example\\)');
  });

  it('Discord: markdown escaped and @everyone broken by a zero-width space', () => {
    expect(escapeDiscord('@everyone [x](https://e.example) **b**')).toBe('@\u200beveryone \\[x\\]\\(https\\://e.example\\) \\*\\*b\\*\\*');
  });

  it('TwiML: the five XML entities, & first, and characters XML cannot carry dropped', () => {
    expect(escapeXml(`</Say><Dial>+1</Dial> "a" & 'b' &amp;`)).toBe('&lt;/Say&gt;&lt;Dial&gt;+1&lt;/Dial&gt; &quot;a&quot; &amp; &apos;b&apos; &amp;amp;');
    expect(escapeXml('a\u0000\u0007b\uFFFEc\ud800d 🐚')).toBe('abcd 🐚');
  });

  it('SMS: GSM-7 text told apart from text that needs unicode', () => {
    expect(isGsm7('Critical detection: PHP.Webshell on shop.example {x} [y] €5 ÄÖ')).toBe(true);
    expect(isGsm7('Шелл')).toBe(false);
    expect(isGsm7('shell 🐚')).toBe(false);
    expect(isGsm7('`backtick`')).toBe(false);
  });
});

describe('fitting a channel limit', () => {
  it('cuts the body (never the title or link) so that the whole message, escaped, fits; short ones unchanged', () => {
    const render = (b: string) => `*Title*\n${escapeAngle(b)}\nhttps://l.example`;
    expect(fitBody('short', 100, (b) => render(b).length)).toEqual({ body: 'short', truncated: false });
    const { body, truncated } = fitBody('<'.repeat(1000), 100, (b) => render(b).length);
    expect(truncated).toBe(true);
    expect(render(body).length).toBeLessThanOrEqual(100);
    expect(render(body).length).toBeGreaterThan(90);
    expect(body.endsWith('…')).toBe(true);
  });
});

describe('severity on each scale', () => {
  it('maps critical … info onto ntfy 5..1, Pushover 1..-2, PagerDuty and Opsgenie P1..P5', () => {
    expect(Object.values(NTFY_PRIORITY)).toEqual([5, 4, 3, 2, 1]);
    expect(Object.values(PUSHOVER_PRIORITY)).toEqual([1, 1, 0, -1, -2]);
    expect(Object.values(PAGERDUTY_SEVERITY)).toEqual(['critical', 'error', 'warning', 'info', 'info']);
    expect(Object.values(OPSGENIE_PRIORITY)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);
  });
});

describe('channel text rendered from a channel template (message.text)', () => {
  it('is preferred to the text built from the event, which still gives the incident key, action and icon', () => {
    const m = { ...securityEvent({}), text: { title: 'Ours: x', body: '\n Body \n', link: 'https://portal.example/e/1', severity: 'critical' } };
    const t = channelText(m, 'd1')!;
    expect(t).toMatchObject({ title: 'Ours: x', body: 'Body', link: 'https://portal.example/e/1', severity: 'critical', action: 'trigger', key: 'security_event.created:e1' });
  });

  it('drops a link that is not http(s), takes an unknown severity as info, and keeps a long title on one line', () => {
    const m = { ...securityEvent({}), text: { title: `a\nb ${'t'.repeat(5000)}`, body: 'b', link: 'javascript:alert(1)', severity: 'urgent!' } };
    const t = channelText(m, 'd1')!;
    expect(t.link).toBeNull();
    expect(t.severity).toBe('info');
    expect(t.title.startsWith('a b ttt')).toBe(true);
    expect(Array.from(t.title)).toHaveLength(1000);
    expect(t.title.endsWith('…')).toBe(true);
  });
});
