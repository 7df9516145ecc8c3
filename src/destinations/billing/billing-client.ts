import { DestinationError, DestinationTarget } from '../destination';
import type { DestinationThreads } from '../threads/destination-threads';

// The customer a message is about, as a rule's firing carries it (rule-firing-writer.ts).
export interface MessageCustomer {
  id: string;
  externalRef: string | null;
  name: string | null;
  emails: string[];
  domains: string[];
}

export function messageCustomer(data: Record<string, unknown>): MessageCustomer | null {
  const c = data.customer as Record<string, unknown> | null | undefined;
  if (!c || typeof c.id !== 'string') return null;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && !!x) : []);
  const eventDomains = (Array.isArray(data.events) ? data.events : []).map((e) => (e as Record<string, unknown>)?.domain);
  return {
    id: c.id, externalRef: typeof c.externalRef === 'string' ? c.externalRef : null, name: typeof c.name === 'string' ? c.name : null,
    emails: strings(c.emails), domains: [...new Set([...strings(eventDomains), ...strings(c.domains)])].slice(0, 10),
  };
}

// The billing system's client id of a customer: from its external_ref when the billing import wrote it for this
// destination (`{customerRefPrefix}:{client id}`, the prefix defaulting to the kind), else from the client found once
// by lookup (by domain, then e-mail) and remembered as `client:<customer id>`.
export async function billingClientId(
  threads: DestinationThreads,
  target: DestinationTarget,
  customer: MessageCustomer | null,
  lookup: (c: MessageCustomer) => Promise<string | null>,
): Promise<string> {
  if (!customer) throw new DestinationError(`this firing concerns no single customer, so it has no ${target.kind} client to act on`, true);
  const prefix = typeof target.config.customerRefPrefix === 'string' ? target.config.customerRefPrefix : target.kind;
  const m = customer.externalRef?.match(/^([^:]+):([1-9][0-9]*)$/);
  if (m && m[1] === prefix) return m[2];
  const key = `client:${customer.id}`;
  const known = await threads.find(target.id, key);
  if (known?.externalId) return known.externalId;
  const found = await lookup(customer);
  if (!found) {
    throw new DestinationError(
      `no ${target.kind} client found for customer ${customer.name ?? customer.id} (external_ref ${customer.externalRef ?? 'none'}; ` +
        `looked up by ${[...customer.domains, ...customer.emails].join(', ') || 'nothing: no domain or e-mail known'})`,
      true,
    );
  }
  await threads.remember(target.id, key, found, { by: 'lookup' });
  return found;
}
