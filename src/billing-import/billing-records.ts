import { CsvColumn, CsvRow, ImportRow, parseRow, Rejection } from '../customers/customer-csv';
import { normalizeDomain, normalizeEmail, normalizeIdentifier } from '../customers/fields';

export type BillingSystem = 'whmcs' | 'blesta';

// A billing system's records as the import reads them (ids as strings, as both systems send them).
export interface BillingClient { id: string; name: string; email: string | null; status: string }
export interface BillingService { id: string; clientId: string; domain: string | null; server: string | null; username: string | null; status: string }
export interface BillingDomain { id: string; clientId: string; domain: string; status: string }

export interface BillingSnapshot {
  system: BillingSystem;
  clients: BillingClient[];
  services: BillingService[];
  domains: BillingDomain[];
}

// Client status → customer status; service and domain statuses that make a site (a terminated or cancelled service
// is no longer hosted with the operator).
const CUSTOMER_STATUS: Record<BillingSystem, Record<string, string>> = {
  whmcs: { active: 'active', inactive: 'suspended', closed: 'closed' },
  blesta: { active: 'active', inactive: 'suspended', fraud: 'closed' },
};
const LIVE = new Set(['active', 'suspended']);

export const BILLING_COLUMNS: ReadonlySet<CsvColumn> = new Set<CsvColumn>(['external_ref', 'name', 'emails', 'status', 'domains', 'server', 'account_user']);

export interface BillingRows {
  rows: (ImportRow | Rejection[])[];
  records: Map<number, string>; // row line → the record it came from ("client 42", "service 17 of client 42")
  skipped: { record: string; reason: string }[]; // records that make no site (no domain, server or user)
}

// The snapshot as customer-import rows, the CSV import's own (checked by parseRow, planned by planImport): a row
// per live service (domain, server host name, hosting user) and per live domain no service already names, else one
// row for the client alone. A customer's external_ref is `{prefix}:{client id}` (the prefix defaults to the system's
// name), so a second import finds it again and the billing actions know its client. Pure.
export function billingRows(s: BillingSnapshot, prefix: string = s.system): BillingRows {
  const rows: (ImportRow | Rejection[])[] = [];
  const records = new Map<number, string>();
  const skipped: BillingRows['skipped'] = [];
  const services = groupBy(s.services.filter((x) => LIVE.has(x.status.toLowerCase())), (x) => x.clientId);
  const domains = groupBy(s.domains.filter((x) => x.status.toLowerCase() === 'active'), (x) => x.clientId);
  for (const c of s.clients) {
    const customer = {
      external_ref: `${prefix}:${c.id}`,
      name: c.name.trim().slice(0, 200) || `${s.system} client ${c.id}`,
      emails: c.email && normalizeEmail(c.email) ? c.email : '',
      status: CUSTOMER_STATUS[s.system][c.status.toLowerCase()] ?? 'active',
    };
    const add = (cells: Partial<Record<CsvColumn, string>>, record: string) => {
      const line = rows.length + 1;
      records.set(line, record);
      rows.push(parseRow({ line, cells: { ...customer, ...cells } } as CsvRow));
    };
    const named = new Set<string>();
    let sites = 0;
    for (const v of services.get(c.id) ?? []) {
      const domain = v.domain ? normalizeDomain(v.domain) : null;
      const server = v.server ? normalizeIdentifier(v.server) : null;
      const user = v.username ? normalizeIdentifier(v.username) : null;
      const record = `service ${v.id} of client ${c.id}`;
      if (!domain && !(server && user)) {
        skipped.push({ record, reason: 'no domain, and no server with a hosting user: nothing to match events by' });
        continue;
      }
      if (domain) named.add(domain);
      add({ domains: domain ?? '', server: server ?? '', account_user: user ?? '' }, record);
      sites++;
    }
    for (const d of domains.get(c.id) ?? []) {
      const domain = normalizeDomain(d.domain);
      if (!domain || named.has(domain)) continue;
      named.add(domain);
      add({ domains: domain }, `domain ${d.id} of client ${c.id}`);
      sites++;
    }
    if (!sites) add({}, `client ${c.id}`);
  }
  return { rows, records, skipped };
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const list = out.get(key(x));
    if (list) list.push(x);
    else out.set(key(x), [x]);
  }
  return out;
}

