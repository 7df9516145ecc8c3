import { ValidationError } from '../../errors/domain-error';
import { httpUrl, integer, oneOf, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';

export const VONAGE_MESSAGES_API = 'https://api.nexmo.com';
// The Messages API's text limit is UNCONFIRMED (1,600 in a third-party schema): the same 1,600 as SMS elsewhere.
export const VONAGE_MESSAGES_MAX = 1600;

// Vonage Messages API (the current one): SMS or WhatsApp text to one recipient, Basic auth with the API key and secret.
export const VONAGE_MESSAGES: KindSpec = {
  kind: 'vonagemessages',
  doc: 'Vonage Messages API: SMS or WhatsApp text to one number',
  fields: {
    apiKey: { doc: 'the API key (not a secret)', required: true, check: text({ max: 32, pattern: /^[A-Za-z0-9]{6,32}$/, hint: 'must be 6 to 32 letters and digits' }) },
    apiSecret: { doc: 'the API secret (Basic auth key:secret)', secret: true, required: true, check: text({ max: 64, pattern: /^[\x21-\x7e]+$/, hint: 'must be printable ASCII without spaces' }) },
    channel: { doc: 'sms (default) or whatsapp', check: oneOf(['sms', 'whatsapp']) },
    to: { doc: 'the recipient, E.164 (sent without the +)', required: true, check: text({ max: 16, pattern: /^\+?[1-9]\d{6,14}$/, hint: 'must be an E.164 phone number, e.g. +447700900123' }) },
    from: { doc: 'the sender: a Vonage number, or (SMS only) a name of up to 11 letters and digits', required: true, check: text({ max: 15, pattern: /^(\+?[1-9]\d{6,14}|[A-Za-z0-9 ]{1,11})$/, hint: 'must be a phone number or up to 11 letters, digits and spaces' }) },
    maxLength: { doc: `cut messages to this many characters (70–${VONAGE_MESSAGES_MAX}, default ${VONAGE_MESSAGES_MAX})`, check: integer(70, VONAGE_MESSAGES_MAX) },
    apiUrl: { doc: `the API base URL (default ${VONAGE_MESSAGES_API}; the WhatsApp sandbox: https://messages-sandbox.nexmo.com)`, target: true, check: httpUrl() },
  },
  subscribes: ['security_event.created'],
  refine: (c) => {
    if (c.channel === 'whatsapp' && !/^\+?\d+$/.test(String(c.from))) throw new ValidationError('config.from', 'config.from must be a WhatsApp business number for channel whatsapp, not a name');
  },
};
