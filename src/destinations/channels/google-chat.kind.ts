import { httpUrl } from '../config-fields';
import type { KindSpec } from '../destination-kind';

// Google Chat: a space's incoming webhook; its key and token (in the query) are the credential.
export const GOOGLE_CHAT: KindSpec = {
  kind: 'googlechat',
  doc: 'Google Chat space webhook',
  fields: {
    webhookUrl: {
      doc: 'the webhook URL (https://chat.googleapis.com/v1/spaces/{space}/messages?key=…&token=…)', secret: true, required: true,
      check: httpUrl({
        require: (u) => (/\/v1\/spaces\/[^/]+\/messages$/.test(u.pathname) && u.searchParams.get('key') && u.searchParams.get('token') ? null : 'must be a Google Chat webhook URL (…/v1/spaces/{space}/messages?key=…&token=…)'),
      }),
    },
  },
  subscribes: ['security_event.created', 'digest.sent'],
};
