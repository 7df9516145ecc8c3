import type { HttpClient, HttpRequest, HttpResponse } from '../../http/http-client';
import { parseMarkdownV2 } from '../../../test/fakes/fake-telegram';
import type { OutboundDelivery } from '../destination';
import { DestinationError } from '../destination';
import { kindSpec } from '../destination-kinds';
import { CHANNEL_ADAPTERS } from './channel-adapters';
import { CHANNEL_KINDS } from './channel-kinds';
import { smsText } from '../channel-format';
import type { DestinationThreads } from '../threads/destination-threads';

// Channels remember nothing on their targets.
const NO_THREADS = {} as DestinationThreads;

// Each adapter with a stub HTTP client that keeps the request and answers as told: the request as the channel
// takes it, whatever the message holds (a 10 KB threat name, markup, mentions), within the channel's limits.
class StubHttp {
  sent: HttpRequest[] = [];
  constructor(private readonly answer: Partial<HttpResponse> = {}) {}
  async request(req: HttpRequest): Promise<HttpResponse> {
    this.sent.push(req);
    return { status: 200, headers: {}, body: '{"ok":true,"status":1}', durationMs: 1, ...this.answer };
  }
}

const TARGETS: Record<string, { config: Record<string, unknown>; secrets: Record<string, string> }> = {
  slack: { config: {}, secrets: { webhookUrl: 'https://hooks.slack.example/services/T/B/X' } },
  discord: { config: {}, secrets: { webhookUrl: 'https://discord.example/api/webhooks/1/t' } },
  ntfy: { config: { topic: 't' }, secrets: {} },
  teams: { config: {}, secrets: { workflowUrl: 'https://x.logic.azure.example/workflows/1/triggers/manual/paths/invoke?sig=s' } },
  googlechat: { config: {}, secrets: { webhookUrl: 'https://chat.example/v1/spaces/A/messages?key=k&token=t' } },
  telegram: { config: { chatId: '1' }, secrets: { botToken: '1:tok' } },
  pagerduty: { config: {}, secrets: { routingKey: 'r' } },
  opsgenie: { config: {}, secrets: { apiKey: 'k' } },
  gotify: { config: { serverUrl: 'https://g.example' }, secrets: { appToken: 'a' } },
  pushover: { config: {}, secrets: { appToken: 'a', userKey: 'u' } },
  twilio: { config: { accountSid: 'AC1', to: '+15550000001', from: '+15550000002' }, secrets: { authToken: 't' } },
  twiliovoice: { config: { accountSid: 'AC1', to: '+15550000001', from: '+15550000002' }, secrets: { authToken: 't' } },
  twiliowhatsapp: { config: { accountSid: 'AC1', to: '+15550000001', from: '+15550000002' }, secrets: { authToken: 't' } },
  pushbullet: { config: {}, secrets: { accessToken: 'o.t' } },
  onesignal: { config: { appId: 'a', segments: ['All'] }, secrets: { apiKey: 'k' } },
  pusherbeams: { config: { instanceId: 'i', interests: ['ops'] }, secrets: { secretKey: 's' } },
  vonagemessages: { config: { apiKey: 'k', to: '+15550000001', from: 'hostdigest' }, secrets: { apiSecret: 's' } },
  vonage: { config: { apiKey: 'k', to: '+15550000001', from: 'hostdigest' }, secrets: { apiSecret: 's' } },
};

const huge = (kind: string, text: string, extra: Record<string, unknown> = {}): OutboundDelivery => ({
  id: 'd1', organizationId: 'o', customerId: null, attempt: 1, round: 0, payload: {},
  target: { id: 'x', organizationId: 'o', kind, enabled: true, rateLimitPerMinute: null, previousSecrets: null, ...TARGETS[kind], ...extra },
  message: { content: { subject: `@everyone <!channel> ${'T'.repeat(10_000)}`, text, html: '' } },
});

// What each channel shows the reader, and its limit on it.
const shown: Record<string, (r: HttpRequest) => { text: string; max: number }> = {
  slack: (r) => ({ text: JSON.parse(String(r.body)).text, max: 40_000 }),
  discord: (r) => ({ text: JSON.parse(String(r.body)).content, max: 2000 }),
  ntfy: (r) => ({ text: JSON.parse(String(r.body)).message, max: 4096 }),
  teams: (r) => ({ text: JSON.stringify(JSON.parse(String(r.body)).attachments[0].content.body), max: 28 * 1024 }),
  googlechat: (r) => ({ text: JSON.parse(String(r.body)).text, max: 4096 }),
  telegram: (r) => ({ text: parseMarkdownV2(JSON.parse(String(r.body)).text).text, max: 4096 }),
  pagerduty: (r) => ({ text: JSON.parse(String(r.body)).payload.summary, max: 1024 }),
  opsgenie: (r) => ({ text: JSON.parse(String(r.body)).message, max: 130 }),
  gotify: (r) => ({ text: JSON.parse(String(r.body)).message, max: 10_000 }),
  pushover: (r) => ({ text: new URLSearchParams(String(r.body)).get('message')!, max: 1024 }),
  twilio: (r) => ({ text: new URLSearchParams(String(r.body)).get('Body')!, max: 1600 }),
  twiliovoice: (r) => ({ text: new URLSearchParams(String(r.body)).get('Twiml')!, max: 4000 }),
  twiliowhatsapp: (r) => ({ text: new URLSearchParams(String(r.body)).get('Body')!, max: 1600 }),
  pushbullet: (r) => ({ text: JSON.parse(String(r.body)).body, max: 4096 }),
  onesignal: (r) => ({ text: JSON.parse(String(r.body)).contents.en, max: 2048 }),
  pusherbeams: (r) => ({ text: JSON.stringify(JSON.parse(String(r.body)).apns), max: 4096 }),
  vonagemessages: (r) => ({ text: JSON.parse(String(r.body)).text, max: 1600 }),
  vonage: (r) => ({ text: new URLSearchParams(String(r.body)).get('text')!, max: 1600 }),
};

describe('channel adapters', () => {
  it('are registered once each, with a spec for every adapter and an adapter for every spec', () => {
    const kinds = CHANNEL_ADAPTERS.map((A) => new A(new StubHttp() as unknown as HttpClient, NO_THREADS).kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(kinds.sort()).toEqual(CHANNEL_KINDS.map((s) => s.kind).sort());
    // every channel takes security events; the chat and push channels also a digest's short notice (not paging, SMS or voice)
    const digests = ['discord', 'google_chat', 'googlechat', 'gotify', 'ntfy', 'pushbullet', 'pushover', 'slack', 'teams', 'telegram'];
    for (const k of kinds) expect(kindSpec(k).subscribes).toEqual(['security_event.created', ...(digests.includes(k) ? ['digest.sent'] : [])]);
  });

  it.each(CHANNEL_ADAPTERS.map((A) => [new A(new StubHttp() as unknown as HttpClient, NO_THREADS).kind, A] as const))('%s: a 100 KB message is cut to the channel limit, never refused', async (kind, A) => {
    const http = new StubHttp({ status: kind === 'pagerduty' || kind === 'opsgenie' ? 202 : 200, body: kind === 'telegram' ? '{"ok":true,"result":{}}' : kind === 'pushover' ? '{"status":1}' : kind === 'vonage' ? '{"messages":[{"status":"0"}]}' : kind === 'onesignal' ? '{"id":"n1"}' : '{"ok":true}' });
    const adapter = new A(http as unknown as HttpClient, NO_THREADS);
    const body = Array.from({ length: 2000 }, (_, i) => `line ${i}: <!here> @everyone *x* [y](https://e.example) \\ _z_`).join('\n');
    await adapter.send(huge(kind, body));
    const { text, max } = shown[kind](http.sent[0]);
    expect(Buffer.byteLength(text) <= max || Array.from(text).length <= max).toBe(true);
    expect(text.length).toBeGreaterThan(Math.min(max, 250) / 2); // PagerDuty and Opsgenie show the (clipped) title
  });

  it('a message with neither text nor event is a permanent error, not a request', async () => {
    const http = new StubHttp();
    const [A] = CHANNEL_ADAPTERS;
    const d = { ...huge('slack', 'x'), message: {} };
    await expect(new A(http as unknown as HttpClient, NO_THREADS).send(d)).rejects.toMatchObject({ permanent: true });
    await expect(new A(http as unknown as HttpClient, NO_THREADS).send(d)).rejects.toBeInstanceOf(DestinationError);
    expect(http.sent).toHaveLength(0);
  });

  it.each([
    ['pagerduty', {}, 'https://events.pagerduty.com/v2/enqueue'],
    ['pagerduty', { region: 'eu' }, 'https://events.eu.pagerduty.com/v2/enqueue'],
    ['opsgenie', {}, 'https://api.opsgenie.com/v2/alerts'],
    ['opsgenie', { region: 'eu' }, 'https://api.eu.opsgenie.com/v2/alerts'],
    ['telegram', { chatId: '1' }, 'https://api.telegram.org/bot1:tok/sendMessage'],
    ['ntfy', { topic: 't' }, 'https://ntfy.sh/'],
    ['pushover', {}, 'https://api.pushover.net/1/messages.json'],
    ['twilio', { accountSid: 'AC1', to: '+15550000001', from: '+15550000002' }, 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json'],
    ['pushbullet', {}, 'https://api.pushbullet.com/v2/pushes'],
    ['onesignal', { appId: 'a', segments: ['All'] }, 'https://api.onesignal.com/notifications'],
    ['pusherbeams', { instanceId: 'i', interests: ['ops'] }, 'https://i.pushnotifications.pusher.com/publish_api/v1/instances/i/publishes/interests'],
    ['vonagemessages', { apiKey: 'k', to: '+15550000001', from: 'hostdigest' }, 'https://api.nexmo.com/v1/messages'],
    ['vonage', { apiKey: 'k', to: '+15550000001', from: 'hostdigest' }, 'https://rest.nexmo.com/sms/json'],
    ['twiliovoice', { accountSid: 'AC1', to: '+15550000001', from: '+15550000002' }, 'https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json'],
  ])('%s %j posts to the vendor host %s by default', async (kind, config, url) => {
    const http = new StubHttp({ status: 200, body: '{"ok":true,"status":1,"messages":[{"status":"0"}],"id":"n1"}' });
    const A = CHANNEL_ADAPTERS.find((X) => new X(http as unknown as HttpClient, NO_THREADS).kind === kind)!;
    await new A(http as unknown as HttpClient, NO_THREADS).send(huge(kind, 'x', { config }));
    expect(http.sent[0].url).toBe(url);
  });

  it('slack with a bot token posts to slack.com/api/chat.postMessage by default', async () => {
    const http = new StubHttp({ body: '{"ok":true}' });
    const A = CHANNEL_ADAPTERS.find((X) => new X(http as unknown as HttpClient, NO_THREADS).kind === 'slack')!;
    await new A(http as unknown as HttpClient, NO_THREADS).send(huge('slack', 'x', { config: { channel: 'C1' }, secrets: { botToken: 'xoxb-1' } }));
    expect(http.sent[0].url).toBe('https://slack.com/api/chat.postMessage');
  });
});

describe('SMS text', () => {
  it('fits title, text and link in a small maxLength, cutting the title itself when it must, never half a character', () => {
    const t = { title: '🐚'.repeat(60), body: 'x'.repeat(500), link: 'https://p.example/e/1', severity: 'info', action: 'trigger', key: 'k', timestamp: null, type: null, icon: null } as const;
    const s = smsText(t, 70);
    expect(s.text.length).toBeLessThanOrEqual(70);
    expect(s.truncated).toBe(true);
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(s.text)).toBe(false);
    const roomy = smsText({ ...t, title: 'High detection' }, 160);
    expect(roomy.text.startsWith('High detection\nxxx')).toBe(true);
    expect(roomy.text.endsWith('…\nhttps://p.example/e/1')).toBe(true);
    expect(roomy.text.length).toBe(160);
  });
});
