import { ValidationError } from '../../errors/domain-error';
import { FieldSpec, httpUrl, integer, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';

export const TWILIO_API = 'https://api.twilio.com';
// SMS and WhatsApp Body: "Can be up to 1,600 characters" (twilio-oai). Voice: Twiml "Max 4000 characters".
export const TWILIO_BODY_MAX = 1600;
export const TWILIO_TWIML_MAX = 4000;

const E164 = { max: 16, pattern: /^\+[1-9]\d{6,14}$/, hint: 'must be an E.164 phone number, e.g. +14155550123' };

// What every Twilio kind takes: the account (its SID is in the path, not a secret), the auth token (or an API key
// secret with apiKeySid), one recipient and a sender. One recipient per destination: a delivery is one request, so a
// retry never texts the others twice.
function account(extra: Record<string, FieldSpec>): Record<string, FieldSpec> {
  return {
    accountSid: { doc: 'the Account SID (AC + 32 hex digits)', required: true, check: text({ max: 34, pattern: /^AC[0-9a-f]{32}$/, hint: 'must be AC followed by 32 lower-case hex digits' }) },
    authToken: { doc: 'the auth token, or the API key secret when apiKeySid is set', secret: true, required: true, check: text({ max: 128, pattern: /^[\x21-\x7e]+$/, hint: 'must be printable ASCII without spaces' }) },
    apiKeySid: { doc: 'an API key SID (SK + 32 hex digits) to authenticate with instead of the account SID', check: text({ max: 34, pattern: /^SK[0-9a-f]{32}$/, hint: 'must be SK followed by 32 lower-case hex digits' }) },
    to: { doc: 'the recipient, E.164 (+14155550123)', required: true, check: text(E164) },
    from: { doc: 'the sender, an E.164 Twilio number', check: text(E164) },
    ...extra,
    apiUrl: { doc: `the API base URL (default ${TWILIO_API})`, target: true, check: httpUrl() },
  };
}

const messagingService: FieldSpec = {
  doc: 'a Messaging Service SID (MG + 32 hex digits), instead of from',
  check: text({ max: 34, pattern: /^MG[0-9a-fA-F]{32}$/, hint: 'must be MG followed by 32 hex digits' }),
};
const maxLength: FieldSpec = { doc: `cut messages to this many characters (70–${TWILIO_BODY_MAX}, default ${TWILIO_BODY_MAX}): every 153 is a billed SMS segment`, check: integer(70, TWILIO_BODY_MAX) };

function sender(kind: string) {
  return (c: Record<string, unknown>) => {
    if ((c.from === undefined) === (c.messagingServiceSid === undefined)) {
      throw new ValidationError('config.from', `a ${kind} destination takes either config.from or config.messagingServiceSid, ${c.from === undefined ? 'one of them is required' : 'not both'}`);
    }
  };
}

// Twilio SMS: Messages.json, form-encoded, Basic auth.
export const TWILIO_SMS: KindSpec = {
  kind: 'twilio',
  doc: 'Twilio SMS to one phone number',
  fields: account({ messagingServiceSid: messagingService, maxLength }),
  subscribes: ['security_event.created'],
  refine: sender('twilio'),
};

// Twilio voice: Calls.json with inline TwiML that says the message.
export const TWILIO_VOICE: KindSpec = {
  kind: 'twiliovoice',
  doc: 'Twilio voice call that reads the message out (TwiML <Say>)',
  fields: account({
    voice: { doc: 'the <Say> voice, e.g. alice, Polly.Joanna (default: Twilio’s)', check: text({ max: 40, pattern: /^[A-Za-z0-9._-]+$/, hint: 'must be a voice name' }) },
    language: { doc: 'the <Say> language, e.g. en-US', check: text({ max: 10, pattern: /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, hint: 'must be a language tag such as en-US' }) },
    loop: { doc: 'how many times the message is read (1–3, default 2)', check: integer(1, 3) },
  }),
  subscribes: ['security_event.created'],
  refine: (c) => {
    if (c.from === undefined) throw new ValidationError('config.from', 'config.from is required: a call needs an E.164 Twilio number as caller');
  },
};

// WhatsApp through Twilio: Messages.json with whatsapp:-prefixed numbers. Outside the 24-hour customer-service
// window WhatsApp only delivers an approved template (contentSid).
export const TWILIO_WHATSAPP: KindSpec = {
  kind: 'twiliowhatsapp',
  doc: 'WhatsApp through Twilio to one number',
  fields: account({
    messagingServiceSid: messagingService,
    contentSid: { doc: 'an approved template (HX + 32 hex digits), sent with {{1}} = title and {{2}} = text: needed outside the 24-hour window', check: text({ max: 34, pattern: /^HX[0-9a-fA-F]{32}$/, hint: 'must be HX followed by 32 hex digits' }) },
    maxLength,
  }),
  subscribes: ['security_event.created'],
  refine: sender('twiliowhatsapp'),
};
