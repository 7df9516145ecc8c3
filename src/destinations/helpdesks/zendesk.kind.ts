import { httpUrl, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';
import { HELPDESK_FIELDS } from './helpdesk-fields';
import { checkHelpdeskParams, ParamRules } from './helpdesk-params';

export const ZENDESK_PARAMS: ParamRules = {
  priority: ['urgent', 'high', 'normal', 'low'], type: ['problem', 'incident', 'question', 'task'], group: true, tags: true,
  closeStatus: ['solved', 'closed', 'pending', 'hold', 'open'], replyAs: true,
};

// Zendesk Support: an agent's e-mail and API token (Basic "{email}/token:{token}").
export const ZENDESK: KindSpec = {
  kind: 'zendesk',
  doc: 'Zendesk Support: a ticket per incident (Idempotency-Key), comments for later messages, a status at recovery',
  fields: {
    url: { doc: 'the Zendesk URL, e.g. https://acme.zendesk.com', required: true, target: true, check: httpUrl() },
    email: { doc: "the agent's e-mail address the API token belongs to", required: true, check: text({ max: 254, pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, hint: 'must be an e-mail address' }) },
    apiToken: { doc: 'a Zendesk API token', required: true, secret: true, check: text({ max: 200 }) },
    ...HELPDESK_FIELDS,
  },
  subscribes: [],
  operatorSystem: true,
  actionParams: (p, field) => checkHelpdeskParams('zendesk', ZENDESK_PARAMS, p, field),
};
