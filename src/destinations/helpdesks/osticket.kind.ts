import { httpUrl, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';
import { HELPDESK_FIELDS } from './helpdesk-fields';
import { checkHelpdeskParams, ParamRules } from './helpdesk-params';

// osTicket's API only creates tickets: no tags, no status, no notes to choose.
export const OSTICKET_PARAMS: ParamRules = { priority: 'id', topicId: true };

// osTicket: an API key (X-API-Key), bound on osTicket's side to the IP it is called from.
export const OSTICKET: KindSpec = {
  kind: 'osticket',
  doc: "osTicket: a ticket per incident (its API can only create: later messages and the recovery are recorded as skipped)",
  fields: {
    url: { doc: 'the osTicket URL, e.g. https://help.example.com (the API is {url}/api/tickets.json)', required: true, target: true, check: httpUrl() },
    apiKey: { doc: "an API key (Admin > Manage > API Keys), created for hostdigest's outbound IP", required: true, secret: true, check: text({ max: 200 }) },
    ...HELPDESK_FIELDS,
  },
  subscribes: [],
  operatorSystem: true,
  actionParams: (p, field) => checkHelpdeskParams('osticket', OSTICKET_PARAMS, p, field),
};
