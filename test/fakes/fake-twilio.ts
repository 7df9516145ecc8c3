import type { FakeHandler, FakeReply } from './fake-channel-server';

export interface TwilioAccount {
  accountSid: string;
  authToken: string;
  apiKey?: { sid: string; secret: string };
  senders: string[]; // the account's numbers (E.164), usable as From for SMS, calls and (whatsapp:) WhatsApp
  unreachable?: string[]; // recipients Twilio refuses as invalid To (21211)
}

// Twilio REST 2010-04-01 (channels.md §13): POST /2010-04-01/Accounts/{AC}/Messages.json or Calls.json,
// form-encoded, Basic auth AccountSid:AuthToken or SK…:secret; 201 with the resource; errors
// {code, message, more_info, status}: 20003 auth, 20404 not found, 21211 To, 21603 no From, 21606 From not the
// account's, 21602 no Body, 21617 Body over 1,600, 21910 From/To on different channels, 20429 too many requests.
// Calls: To, From and Twiml (≤ 4,000 characters, well-formed <Response><Say>…</Say></Response>).
export function twilioFake(a: TwilioAccount): FakeHandler {
  const err = (status: number, code: number, message: string): FakeReply => ({ status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } });
  return (r) => {
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/.exec(r.url.pathname);
    if (r.method !== 'POST' || !m) return err(404, 20404, `The requested resource ${r.url.pathname} was not found`);
    const auth = String(r.headers.authorization ?? '');
    const [user, pass] = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString('utf8').split(':');
    const good = auth.startsWith('Basic ') && ((user === a.accountSid && pass === a.authToken) || (!!a.apiKey && user === a.apiKey.sid && pass === a.apiKey.secret));
    if (!good) return err(401, 20003, 'Authenticate');
    if (m[1] !== a.accountSid) return err(404, 20404, `The requested resource ${r.url.pathname} was not found`);
    const f = r.form;
    if (!f) return err(400, 21602, 'Message body is required.'); // a JSON or empty body: no fields at all
    const to = f.get('To') ?? '';
    if (!to) return err(400, 21604, "A 'To' phone number is required.");
    const wa = to.startsWith('whatsapp:');
    const number = to.replace(/^whatsapp:/, '');
    if (!/^\+[1-9]\d{6,14}$/.test(number) || a.unreachable?.includes(number)) return err(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    const from = f.get('From');
    const service = f.get('MessagingServiceSid');
    if (m[2] === 'Calls') {
      if (!from) return err(400, 21213, 'Caller phone number is required');
      if (!a.senders.includes(from)) return err(400, 21210, `The source phone number provided, ${from}, is not yet verified for your account.`);
      const twiml = f.get('Twiml');
      if (!twiml && !f.get('Url') && !f.get('ApplicationSid')) return err(400, 21205, 'Url parameter is required.');
      if (twiml && twiml.length > 4000) return err(400, 21220, 'Twiml exceeds the maximum of 4000 characters'); // code UNCONFIRMED
      if (twiml && twimlSay(twiml) === null) return err(400, 12100, 'Document parse failure'); // code UNCONFIRMED for inline TwiML
      return { status: 201, body: { sid: 'CA' + 'c'.repeat(32), account_sid: a.accountSid, to, from, status: 'queued', direction: 'outbound-api' } };
    }
    if (!from && !service) return err(400, 21603, "A 'From' phone number is required.");
    if (from) {
      if (from.startsWith('whatsapp:') !== wa) return err(400, 21910, 'Invalid From and To pair. From and To should be of the same channel');
      if (!a.senders.includes(from.replace(/^whatsapp:/, ''))) return err(400, 21606, `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`);
    }
    const body = f.get('Body');
    if (!body && !f.get('MediaUrl') && !f.get('ContentSid')) return err(400, 21602, 'Message body is required.');
    if (body && body.length > 1600) return err(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (f.get('ContentSid') && f.get('ContentVariables')) {
      try {
        const v = JSON.parse(f.get('ContentVariables')!);
        if (!v || typeof v !== 'object' || Object.values(v).some((x) => typeof x !== 'string')) throw new Error();
      } catch {
        return err(400, 21656, 'The ContentVariables Parameter is invalid.');
      }
    }
    return { status: 201, body: { sid: 'SM' + 'a'.repeat(32), account_sid: a.accountSid, to, from: from ?? null, messaging_service_sid: service, body: body ?? '', status: service ? 'accepted' : 'queued', num_segments: '1' } };
  };
}

// The words a <Response><Say …>…</Say></Response> document speaks, or null when it is not well-formed or holds
// anything else (a verb smuggled in by unescaped event data).
export function twimlSay(twiml: string): string | null {
  const m = /^<Response><Say((?:\s+[a-z]+="[^"<&]*")*)>([^<]*)<\/Say><\/Response>$/.exec(twiml);
  if (!m) return null;
  const text = m[2];
  if (/&(?!(amp|lt|gt|quot|apos);)/.test(text)) return null;
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
