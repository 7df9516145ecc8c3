import { httpUrl, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';
import { HELPDESK_FIELDS } from './helpdesk-fields';
import { checkHelpdeskParams, ParamRules } from './helpdesk-params';

export const FRESHDESK_PARAMS: ParamRules = {
  priority: ['low', 'medium', 'high', 'urgent'], type: 'text', group: true, tags: true, closeStatus: ['resolved', 'closed', 'pending'], replyAs: true,
};

// Freshdesk: an agent's API key (Basic "{key}:X").
export const FRESHDESK: KindSpec = {
  kind: 'freshdesk',
  doc: 'Freshdesk: a ticket per incident, notes or replies for later messages, a status at recovery',
  fields: {
    url: { doc: 'the Freshdesk URL, e.g. https://acme.freshdesk.com', required: true, target: true, check: httpUrl() },
    apiKey: { doc: "an agent's API key", required: true, secret: true, check: text({ max: 200 }) },
    ...HELPDESK_FIELDS,
  },
  subscribes: [],
  operatorSystem: true,
  actionParams: (p, field) => checkHelpdeskParams('freshdesk', FRESHDESK_PARAMS, p, field),
};
