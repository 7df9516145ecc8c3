import type { HttpResponse } from '../../http/http-client';
import { escapeXml, fitBody, smsText } from '../channel-format';
import type { ChannelText } from '../channel-message';
import type { DestinationTarget } from '../destination';
import { ChannelCall, ChannelDestination, excerpt, json, retryAfterHeader, Verdict } from './channel-destination';
import { TWILIO_API, TWILIO_BODY_MAX, TWILIO_TWIML_MAX } from './twilio.kind';

// Twilio REST (2010-04-01), form-encoded PascalCase fields, Basic auth AccountSid:AuthToken (or SK…:secret). 201
// with the Message or Call JSON; errors {code, message, more_info, status}, classified by Twilio's code first.
abstract class TwilioDestination extends ChannelDestination {
  protected abstract resource: 'Messages' | 'Calls';
  protected abstract fields(target: DestinationTarget, t: ChannelText): { form: URLSearchParams; summary: Record<string, unknown> };

  protected call(target: DestinationTarget, t: ChannelText): ChannelCall {
    const c = target.config;
    const api = String(c.apiUrl ?? TWILIO_API).replace(/\/+$/, '');
    const user = String(c.apiKeySid ?? c.accountSid);
    const { form, summary } = this.fields(target, t);
    return {
      url: `${api}/2010-04-01/Accounts/${encodeURIComponent(String(c.accountSid))}/${this.resource}.json`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: `Basic ${Buffer.from(`${user}:${target.secrets.authToken}`).toString('base64')}` },
      body: form.toString(),
      summary: { to: c.to, ...summary },
    };
  }

  protected judge(res: HttpResponse): Verdict {
    const b = json(res.body);
    if (res.status >= 200 && res.status < 300) return { ok: true, response: { sid: b?.sid ?? null, twilioStatus: b?.status ?? null } };
    const code = Number(b?.code) || null;
    const reason = `HTTP ${res.status}${code ? ` ${code}` : ''} ${b && typeof b.message === 'string' ? b.message : excerpt(res.body)}`.trim();
    if (res.status === 429 || code === 20429) return { ok: false, kind: 'rate_limited', reason, retryAfterSeconds: retryAfterHeader(res) };
    if (res.status === 401 || code === 20003 || res.status === 403) return { ok: false, kind: 'credentials', reason };
    // 20404 on the account's own resource: the account SID does not exist (or is closed) for these credentials.
    if (res.status === 404) return { ok: false, kind: 'credentials', reason };
    if (res.status >= 500 || res.status === 408) return { ok: false, kind: 'transient', reason, retryAfterSeconds: res.status === 503 ? retryAfterHeader(res) : null };
    // The recipient or the sender: invalid To (21211, 21614 not mobile), From (21212, 21606, 21659), no From (21603),
    // unsubscribed (21610), not a WhatsApp sender (63007), From and To on different channels (21910), region not enabled (21408, 21612).
    if (code && [21211, 21212, 21408, 21603, 21606, 21610, 21612, 21614, 21659, 21910, 63007].includes(code)) return { ok: false, kind: 'config', reason };
    return { ok: false, kind: 'payload', reason };
  }
}

function sender(form: URLSearchParams, c: Record<string, unknown>, prefix = ''): void {
  if (c.messagingServiceSid) form.set('MessagingServiceSid', String(c.messagingServiceSid));
  else form.set('From', `${prefix}${c.from}`);
}

export class TwilioSmsDestination extends TwilioDestination {
  readonly kind = 'twilio';
  protected resource = 'Messages' as const;

  protected fields(target: DestinationTarget, t: ChannelText) {
    const c = target.config;
    const s = smsText(t, Number(c.maxLength ?? TWILIO_BODY_MAX));
    const form = new URLSearchParams({ To: String(c.to), Body: s.text });
    sender(form, c);
    return { form, summary: { title: t.title, chars: s.text.length, truncated: s.truncated } };
  }
}

export class TwilioWhatsAppDestination extends TwilioDestination {
  readonly kind = 'twiliowhatsapp';
  protected resource = 'Messages' as const;

  protected fields(target: DestinationTarget, t: ChannelText) {
    const c = target.config;
    const s = smsText(t, Number(c.maxLength ?? TWILIO_BODY_MAX));
    const form = new URLSearchParams({ To: `whatsapp:${c.to}` });
    sender(form, c, 'whatsapp:');
    // A template: its variables are plain values (WhatsApp renders no markup from them), each cut to fit.
    if (c.contentSid) form.set('ContentSid', String(c.contentSid)), form.set('ContentVariables', JSON.stringify({ 1: t.title.slice(0, 200), 2: s.text }));
    else form.set('Body', s.text);
    return { form, summary: { title: t.title, chars: s.text.length, truncated: s.truncated, ...(c.contentSid ? { contentSid: c.contentSid } : {}) } };
  }
}

// The call reads the title and the text (links are not read out), XML-escaped so that event data cannot end the
// <Say> or add verbs (<Dial>, <Redirect>), cut so that the TwiML stays within 4,000 characters.
export class TwilioVoiceDestination extends TwilioDestination {
  readonly kind = 'twiliovoice';
  protected resource = 'Calls' as const;

  protected fields(target: DestinationTarget, t: ChannelText) {
    const c = target.config;
    const attrs = [c.voice ? ` voice="${escapeXml(String(c.voice))}"` : '', c.language ? ` language="${escapeXml(String(c.language))}"` : '', ` loop="${Number(c.loop ?? 2)}"`].join('');
    const twiml = (b: string) => `<Response><Say${attrs}>${escapeXml(`${t.title}. ${b}`.replace(/\s*\n\s*/g, '. '))}</Say></Response>`;
    const fitted = fitBody(t.body, TWILIO_TWIML_MAX, (b) => twiml(b).length);
    const form = new URLSearchParams({ To: String(c.to), From: String(c.from), Twiml: twiml(fitted.body) });
    return { form, summary: { title: t.title, twimlChars: form.get('Twiml')!.length, truncated: fitted.truncated } };
  }
}
