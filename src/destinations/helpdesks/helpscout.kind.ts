import { httpUrl, integer, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';
import { HELPDESK_FIELDS } from './helpdesk-fields';
import { checkHelpdeskParams, ParamRules } from './helpdesk-params';

export const HELPSCOUT_API = 'https://api.helpscout.net';

export const HELPSCOUT_PARAMS: ParamRules = { tags: true, closeStatus: ['closed', 'pending', 'active'], replyAs: true };

// Help Scout (Mailbox API 2.0): an OAuth2 app's id and secret (client credentials), and the mailbox tickets go to.
export const HELPSCOUT: KindSpec = {
  kind: 'helpscout',
  doc: 'Help Scout: a conversation per incident, notes or replies for later messages, closed at recovery',
  fields: {
    appId: { doc: 'the OAuth2 app id (client_id) of a Help Scout app (My Apps)', required: true, check: text({ max: 200 }) },
    appSecret: { doc: 'the app secret (client_secret)', required: true, secret: true, check: text({ max: 200 }) },
    mailboxId: { doc: 'the mailbox conversations are created in', required: true, check: integer(1, Number.MAX_SAFE_INTEGER) },
    apiUrl: { doc: `the API base URL (default ${HELPSCOUT_API})`, target: true, check: httpUrl() },
    ...HELPDESK_FIELDS,
  },
  subscribes: [],
  operatorSystem: true,
  actionParams: (p, field) => checkHelpdeskParams('helpscout', HELPSCOUT_PARAMS, p, field),
};
