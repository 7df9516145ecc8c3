import type { HttpResponse } from '../../http/http-client';
import { isGsm7, smsText } from '../channel-format';
import type { ChannelText } from '../channel-message';
import type { DestinationTarget, OutboundDelivery } from '../destination';
import { byStatus, ChannelCall, ChannelDestination, excerpt, FailureKind, json, Verdict } from './channel-destination';
import { VONAGE_API, VONAGE_TEXT_MAX } from './vonage.kind';

// What each legacy SMS API status means for the pipeline (channels.md §14a; 0 is success).
const STATUS: Record<string, FailureKind> = {
  '1': 'rate_limited', // Throttled
  '2': 'payload', '3': 'payload', '6': 'payload', '12': 'payload', // missing / invalid parameters, invalid or too long message
  '4': 'credentials', '8': 'credentials', '14': 'credentials', '32': 'credentials', // bad key/secret, account barred, signature
  '5': 'transient', '10': 'transient', // internal error, too many binds
  '7': 'config', '9': 'config', '11': 'config', '15': 'config', '22': 'config', '23': 'config', '29': 'config', '33': 'config',
};

// Vonage legacy SMS: POST /sms/json, form-encoded, api_key + api_secret as fields. HTTP 200 even when the message
// was refused: every messages[].status must be "0" (a long text is several entries), so a copy of Apprise's
// status-code check would report these failures as sent.
export class VonageSmsDestination extends ChannelDestination {
  readonly kind = 'vonage';

  protected call(target: DestinationTarget, t: ChannelText, d: OutboundDelivery): ChannelCall {
    const c = target.config;
    const api = String(c.apiUrl ?? VONAGE_API).replace(/\/+$/, '');
    const s = smsText(t, Number(c.maxLength ?? VONAGE_TEXT_MAX));
    const unicode = !isGsm7(s.text);
    const form = new URLSearchParams({ api_key: String(c.apiKey), api_secret: target.secrets.apiSecret, from: String(c.from).replace(/^\+/, ''), to: String(c.to).replace(/^\+/, ''), text: s.text, 'client-ref': d.id });
    if (unicode) form.set('type', 'unicode');
    if (c.ttlSeconds) form.set('ttl', String(Number(c.ttlSeconds) * 1000));
    return {
      url: `${api}/sms/json`, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString(),
      summary: { to: c.to, title: t.title, chars: s.text.length, unicode, truncated: s.truncated },
    };
  }

  protected judge(res: HttpResponse): Verdict {
    const b = json(res.body);
    if (res.status !== 200) return byStatus(res, b ? `${b['error-code'] ?? ''} ${b['error-code-label'] ?? b.title ?? ''}`.trim() : excerpt(res.body));
    if (!b) return { ok: false, kind: 'transient', reason: `HTTP 200 with an unreadable body: ${excerpt(res.body)}` };
    const messages = Array.isArray(b.messages) ? (b.messages as Record<string, unknown>[]) : [];
    if (!messages.length) return { ok: false, kind: 'transient', reason: `HTTP 200 without messages: ${excerpt(res.body)}` };
    const failed = messages.find((m) => String(m.status) !== '0');
    if (!failed) return { ok: true, response: { messageIds: messages.map((m) => m['message-id'] ?? null) } };
    const status = String(failed.status);
    const sent = messages.length - messages.filter((m) => String(m.status) !== '0').length;
    const reason = `status ${status} ${String(failed['error-text'] ?? '')}`.trim() + (sent ? ` (${sent} of ${messages.length} parts sent)` : '');
    return { ok: false, kind: STATUS[status] ?? 'payload', reason, retryAfterSeconds: null };
  }
}
