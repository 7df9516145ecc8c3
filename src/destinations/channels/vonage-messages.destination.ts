import type { HttpResponse } from '../../http/http-client';
import { smsText } from '../channel-format';
import type { ChannelText } from '../channel-message';
import type { DestinationTarget, OutboundDelivery } from '../destination';
import { byStatus, ChannelCall, ChannelDestination, excerpt, json, Verdict } from './channel-destination';
import { VONAGE_MESSAGES_API, VONAGE_MESSAGES_MAX } from './vonage-messages.kind';

// Vonage Messages API: POST /v1/messages, JSON {message_type: "text", text, to, from, channel, client_ref}, Basic
// key:secret; 202 {message_uuid} (any 2xx taken: the exact status is UNCONFIRMED). Errors are RFC 7807
// application/problem+json {type, title, detail, instance}: 401/403 the credentials (disable), 402 out of credit
// (config: a top-up is needed, retrying cannot help), 429 rate limit, 422/400 the message, 5xx retried.
export class VonageMessagesDestination extends ChannelDestination {
  readonly kind = 'vonagemessages';

  protected call(target: DestinationTarget, t: ChannelText, d: OutboundDelivery): ChannelCall {
    const c = target.config;
    const api = String(c.apiUrl ?? VONAGE_MESSAGES_API).replace(/\/+$/, '');
    const s = smsText(t, Number(c.maxLength ?? VONAGE_MESSAGES_MAX));
    const channel = String(c.channel ?? 'sms');
    const body = { message_type: 'text', channel, to: String(c.to).replace(/^\+/, ''), from: String(c.from).replace(/^\+/, ''), text: s.text, client_ref: d.id };
    return {
      url: `${api}/v1/messages`,
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Basic ${Buffer.from(`${c.apiKey}:${target.secrets.apiSecret}`).toString('base64')}` },
      body: JSON.stringify(body), summary: { channel, to: c.to, title: t.title, chars: s.text.length, truncated: s.truncated },
    };
  }

  protected judge(res: HttpResponse): Verdict {
    const b = json(res.body);
    const reason = b ? `${b.title ?? ''}${b.detail ? `: ${b.detail}` : ''}`.trim() || excerpt(res.body) : excerpt(res.body);
    if (res.status === 402) return { ok: false, kind: 'config', reason: `HTTP 402 ${reason}` };
    const v = byStatus(res, reason);
    // 404: the Messages API has no per-destination resource; the path is wrong or the application is unknown.
    if (!v.ok && res.status === 404) return { ok: false, kind: 'config', reason: v.reason };
    return v.ok ? { ok: true, response: { messageUuid: b?.message_uuid ?? null } } : v;
  }
}
