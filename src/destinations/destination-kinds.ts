import { ValidationError } from '../errors/domain-error';
import { BILLING_KINDS } from './billing/billing-kinds';
import { CHANNEL_KINDS } from './channels/channel-kinds';
import { checkConfig } from './destination-config';
import { SUBSCRIBABLE_TYPES } from './destination.entity';
import { HELPDESK_KINDS } from './helpdesks/helpdesk-kinds';
import type { KindSpec } from './destination-kind';

// Every destination kind, by name: the service, the DTO, the views and the Apprise parser know kinds only through
// this registry. A new channel is its adapter and its spec (channels/), listed in channels/channel-kinds.ts.
const EMAIL: KindSpec = {
  kind: 'email',
  doc: 'e-mail through the mail transport, signed as the brand',
  fields: { to: { doc: '1 to 50 e-mail addresses', required: true, check: (v) => v } },
  subscribes: [],
  check: (raw, seal) => checkConfig('email', raw, seal),
};

const WEBHOOK: KindSpec = {
  kind: 'webhook',
  doc: 'signed JSON webhook (Standard Webhooks)',
  fields: {
    url: { doc: 'the http(s) URL messages are POSTed to', required: true, target: true, check: (v) => v },
    headers: { doc: 'custom static headers, values stored encrypted and shown masked', check: (v) => v },
    connectTimeoutSeconds: { doc: 'default 5', check: (v) => v },
    timeoutSeconds: { doc: 'default 15', check: (v) => v },
  },
  subscribes: SUBSCRIBABLE_TYPES,
  signingSecret: true,
  check: (raw, seal) => checkConfig('webhook', raw, seal),
  sealedMaps: ['headers'],
};

const SPECS: ReadonlyMap<string, KindSpec> = new Map([EMAIL, WEBHOOK, ...CHANNEL_KINDS, ...BILLING_KINDS, ...HELPDESK_KINDS].map((s) => [s.kind, s]));

export const DESTINATION_KINDS: readonly string[] = [...SPECS.keys()];

export function kindSpec(kind: string): KindSpec {
  const spec = SPECS.get(kind);
  if (!spec) throw new ValidationError('kind', `kind must be one of ${DESTINATION_KINDS.join(', ')}`);
  return spec;
}

// For rows already stored: a kind this replica does not know (written by a newer one, mid-deploy) is shown and
// opened as plain config rather than failing the whole list.
export function findKindSpec(kind: string): KindSpec | null {
  return SPECS.get(kind) ?? null;
}

export function kindSpecs(): Iterable<KindSpec> {
  return SPECS.values();
}
