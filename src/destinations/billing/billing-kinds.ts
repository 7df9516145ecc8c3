import { FieldSpec, flag, httpUrl, integer, oneOf, text } from '../config-fields';
import { blestaActionParams } from './blesta-action-params';
import { whmcsActionParams } from './whmcs-action-params';
import type { KindSpec } from '../destination-kind';

// What the customer import reads from either billing system's destination.
const IMPORT_FIELDS: Record<string, FieldSpec> = {
  importDaily: { doc: 'import the clients as customers every day (default false)', check: flag() },
  customerRefPrefix: {
    doc: "the imported customers' external_ref is {prefix}:{client id}; default the kind's name (give a second billing system its own)",
    check: text({ max: 40, pattern: /^[a-z0-9][a-z0-9_-]*$/, hint: 'must be lower-case letters, digits, - and _' }),
  },
};

// How long a rule action's call may take, answer included; past it the answer counts as lost (retried, looked up first).
const CALL_FIELDS: Record<string, FieldSpec> = {
  timeoutSeconds: { doc: 'seconds a rule action\'s call may take, answer included (default 30)', check: integer(1, 120) },
};

// The billing systems operators keep their clients in (pure specs; adapters in billing.destination.ts). Their
// credentials also serve the customer import (POST /v1/customers/import/{whmcs,blesta}).
export const WHMCS_KIND: KindSpec = {
  kind: 'whmcs',
  doc: 'WHMCS (classic API, includes/api.php): customer import; tickets, notes and billable items with rule actions',
  fields: {
    url: { doc: 'the WHMCS root URL, e.g. https://billing.example.com', required: true, target: true, check: httpUrl() },
    identifier: { doc: 'API credential identifier', required: true, secret: true, check: text({ max: 200 }) },
    secret: { doc: 'API credential secret', required: true, secret: true, check: text({ max: 200 }) },
    accessKey: {
      doc: '$api_access_key of configuration.php, when hostdigest is not on the API IP allow-list', secret: true,
      check: text({ max: 200, pattern: /^[A-Za-z0-9!@#$%.()*[\]_-]+$/, hint: 'may hold only letters, digits and ! @ # $ % . ( ) * [ ] - _' }),
    },
    billableUnits: {
      doc: "how AddBillableItem counts, by WHMCS version: 'quantity' (unit=quantity + quantity, WHMCS 8) or 'hours' (older); default quantity",
      check: oneOf(['quantity', 'hours']),
    },
    ...CALL_FIELDS,
    ...IMPORT_FIELDS,
  },
  subscribes: [],
  operatorSystem: true,
  actionParams: whmcsActionParams,
};

export const BLESTA_KIND: KindSpec = {
  kind: 'blesta',
  doc: 'Blesta (api/…json, HTTP Basic): customer import; tickets, notes and invoices with rule actions',
  fields: {
    url: { doc: 'the Blesta root URL, e.g. https://billing.example.com', required: true, target: true, check: httpUrl() },
    user: { doc: 'API user', required: true, check: text({ max: 200 }) },
    key: { doc: 'API key', required: true, secret: true, check: text({ max: 200 }) },
    ...CALL_FIELDS,
    ...IMPORT_FIELDS,
  },
  subscribes: [],
  operatorSystem: true,
  actionParams: blestaActionParams,
};

export const BILLING_KINDS: readonly KindSpec[] = [WHMCS_KIND, BLESTA_KIND];
