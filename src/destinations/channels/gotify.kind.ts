import { httpUrl, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';

// Gotify (self-hosted): an application token on a server.
export const GOTIFY: KindSpec = {
  kind: 'gotify',
  doc: 'Gotify server application',
  fields: {
    serverUrl: { doc: 'the Gotify server URL (with its sub-path, if any)', required: true, target: true, check: httpUrl() },
    appToken: { doc: 'an application token', secret: true, required: true, check: text({ max: 200, pattern: /^[\x21-\x7e]+$/, hint: 'must be printable ASCII without spaces' }) },
  },
  subscribes: ['security_event.created', 'digest.sent'],
};
