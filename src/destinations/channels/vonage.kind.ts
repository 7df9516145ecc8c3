import { httpUrl, integer, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';

export const VONAGE_API = 'https://rest.nexmo.com';
// The legacy SMS API's own limit on text is UNCONFIRMED (status 12 "Message Too Long"): 1,600 as for Twilio.
export const VONAGE_TEXT_MAX = 1600;

// Vonage (Nexmo) SMS through the legacy SMS API: an API key and secret, one recipient, a sender number or name.
export const VONAGE_SMS: KindSpec = {
  kind: 'vonage',
  doc: 'Vonage (Nexmo) SMS to one phone number',
  fields: {
    apiKey: { doc: 'the API key (shown in the dashboard; not a secret)', required: true, check: text({ max: 32, pattern: /^[A-Za-z0-9]{6,32}$/, hint: 'must be 6 to 32 letters and digits' }) },
    apiSecret: { doc: 'the API secret', secret: true, required: true, check: text({ max: 64, pattern: /^[\x21-\x7e]+$/, hint: 'must be printable ASCII without spaces' }) },
    to: { doc: 'the recipient, E.164 (+447700900123; sent without the +)', required: true, check: text({ max: 16, pattern: /^\+?[1-9]\d{6,14}$/, hint: 'must be an E.164 phone number, e.g. +447700900123' }) },
    from: { doc: 'the sender: a Vonage number (digits) or a name of up to 11 letters and digits', required: true, check: text({ max: 15, pattern: /^(\+?[1-9]\d{6,14}|[A-Za-z0-9 ]{1,11})$/, hint: 'must be a phone number or up to 11 letters, digits and spaces' }) },
    ttlSeconds: { doc: 'how long the network keeps trying to deliver, 20 s to 7 days (default: Vonage’s)', check: integer(20, 604_800) },
    maxLength: { doc: `cut messages to this many characters (70–${VONAGE_TEXT_MAX}, default ${VONAGE_TEXT_MAX}): each 153 (67 in unicode) is a billed segment`, check: integer(70, VONAGE_TEXT_MAX) },
    apiUrl: { doc: `the API base URL (default ${VONAGE_API})`, target: true, check: httpUrl() },
  },
  subscribes: ['security_event.created'],
};
