import { httpUrl, list, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';

export const NTFY_SERVER = 'https://ntfy.sh';

// ntfy, public (ntfy.sh) or self-hosted: a topic on a server, optionally behind an access token.
export const NTFY: KindSpec = {
  kind: 'ntfy',
  doc: 'ntfy topic (ntfy.sh or self-hosted)',
  fields: {
    serverUrl: { doc: `the ntfy server (default ${NTFY_SERVER})`, target: true, check: httpUrl() },
    topic: { doc: 'the topic', required: true, check: text({ max: 64, pattern: /^[-_A-Za-z0-9]{1,64}$/, hint: 'must be 1 to 64 letters, digits, - or _' }) },
    token: { doc: 'an access token (tk_…), sent as Bearer', secret: true, check: text({ max: 200, pattern: /^[\x21-\x7e]+$/, hint: 'must be printable ASCII without spaces' }) },
    tags: { doc: 'tags (emoji shortcodes or words)', check: list(text({ max: 50, pattern: /^[^,]+$/, hint: 'must not contain a comma' }), 10) },
    click: { doc: 'the URL opened on a tap (default: the message’s link)', check: httpUrl() },
    icon: { doc: 'the notification icon URL, e.g. the brand’s logo', check: httpUrl() },
  },
  subscribes: ['security_event.created', 'digest.sent'],
};
