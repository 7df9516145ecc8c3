import { CsvColumn, CustomerCells, ImportRow, Rejection } from './customer-csv';
import { CustomerStatus, SiteFields } from './fields';
import { accountKey, describeKey, domainKey, siteKeys, vsidKey } from './match-keys';

// What a CSV import does, decided before anything is written: each row in file order either applies (creating or
// updating a customer and maybe one of its sites) or is rejected with the line and the column at fault. A rejected row
// changes nothing, so later rows are judged as if it were not in the file.

export interface CustomerValues {
  name: string;
  emails: string[];
  locale: string;
  timeZone: string;
  status: CustomerStatus;
}

export interface ExistingCustomer extends CustomerValues {
  id: string;
  sites: (SiteFields & { id: string })[];
}

export type Action = 'create' | 'update' | 'unchanged';

export interface PlannedCustomer {
  id: string;
  externalRef: string;
  values: CustomerValues;
  action: Action;
}

export interface PlannedSite {
  id: string;
  customerId: string;
  values: SiteFields;
  action: Action;
}

export interface ImportPlan {
  customers: PlannedCustomer[];
  sites: PlannedSite[];
  rejected: Rejection[];
}

export interface PlanInput {
  rows: readonly (ImportRow | Rejection[])[];
  columns: ReadonlySet<CsvColumn>;
  existing: ReadonlyMap<string, ExistingCustomer>; // by external ref
  holders: ReadonlyMap<string, string>; // site key → the site holding it now
  newId: () => string;
}

const DEFAULTS: Omit<CustomerValues, 'name'> = { emails: [], locale: 'en', timeZone: 'UTC', status: 'active' };
const CUSTOMER_FIELDS: [CsvColumn, keyof CustomerCells][] = [['name', 'name'], ['emails', 'emails'], ['locale', 'locale'], ['time_zone', 'timeZone'], ['status', 'status']];

// Sites in a file are told apart within their customer by their first domain, else server and account, else their
// first vendor site id: the same site is found again when the file is imported twice.
export function siteIdentity(s: SiteFields): string {
  if (s.domains.length) return domainKey(s.domains[0]);
  if (s.server && s.accountUser) return accountKey(s.server, s.accountUser);
  return vsidKey(s.vendorSiteIds[0] ?? '');
}

const KEY_COLUMN = (key: string): CsvColumn => (key.startsWith('vsid:') ? 'vendor_site_ids' : key.startsWith('dom:') ? 'domains' : 'account_user');

export function planImport(input: PlanInput): ImportPlan {
  const { rows, columns, existing, holders, newId } = input;
  const customers = new Map<string, PlannedCustomer & { line: number }>();
  const sites = new Map<string, PlannedSite & { line: number }>(); // by customer id + identity
  const claimed = new Map<string, { siteId: string; line: number }>();
  const released = new Set<string>(); // keys an updated site gives up, free for a later row to take
  const rejected: Rejection[] = [];

  for (const row of rows) {
    if (Array.isArray(row)) {
      rejected.push(...row);
      continue;
    }
    const errors: Rejection[] = [];
    const fail = (field: CsvColumn, reason: string) => errors.push({ line: row.line, field, reason });

    let customer = customers.get(row.externalRef);
    let newCustomer: (PlannedCustomer & { line: number }) | null = null;
    if (customer) {
      for (const [column, key] of CUSTOMER_FIELDS) {
        const given = row.customer[key];
        if (given !== undefined && !same(given, customer.values[key])) {
          fail(column, `differs from line ${customer.line} for the same external_ref; repeat the value or leave the cell blank`);
        }
      }
    } else {
      const before = existing.get(row.externalRef);
      if (!row.customer.name) fail('name', 'name is required');
      // A column in the header is the truth for the customer, blank meaning the default; a column left out keeps the
      // customer's current value.
      const values: CustomerValues = before ? pick(before) : { name: '', ...DEFAULTS };
      for (const [column, key] of CUSTOMER_FIELDS) {
        if (columns.has(column)) Object.assign(values, { [key]: row.customer[key] ?? (key === 'name' ? '' : DEFAULTS[key]) });
      }
      const action: Action = !before ? 'create' : CUSTOMER_FIELDS.every(([, k]) => same(values[k], before[k])) ? 'unchanged' : 'update';
      newCustomer = { id: before?.id ?? newId(), externalRef: row.externalRef, values, action, line: row.line };
      customer = newCustomer;
    }

    let site: (PlannedSite & { line: number }) | null = null;
    const freed: string[] = [];
    if (row.site) {
      const identity = siteIdentity(row.site);
      const token = `${customer.id}\u0000${identity}`;
      const prior = sites.get(token);
      const current = existing.get(row.externalRef)?.sites.find((s) => siteIdentity(s) === identity);
      if (prior) {
        fail(KEY_COLUMN(identity), `the same site (${describeKey(identity)}) is already on line ${prior.line}`);
      } else {
        const values: SiteFields = {
          domains: columns.has('domains') || !current ? row.site.domains : current.domains,
          server: columns.has('server') || !current ? row.site.server : current.server,
          accountUser: columns.has('account_user') || !current ? row.site.accountUser : current.accountUser,
          vendorSiteIds: columns.has('vendor_site_ids') || !current ? row.site.vendorSiteIds : current.vendorSiteIds,
        };
        const id = current?.id ?? newId();
        const keys = siteKeys(values);
        for (const key of keys) {
          const other = claimed.get(key);
          const holder = holders.get(key);
          if (other && other.siteId !== id) fail(KEY_COLUMN(key), `${describeKey(key)} is also given on line ${other.line}`);
          else if (!other && holder && holder !== id && !released.has(key)) fail(KEY_COLUMN(key), `${describeKey(key)} already belongs to site ${holder}`);
        }
        const action: Action = !current ? 'create' : sameSite(values, current) ? 'unchanged' : 'update';
        if (current) freed.push(...siteKeys(current).filter((k) => !keys.includes(k)));
        site = { id, customerId: customer.id, values, action, line: row.line };
      }
    }

    if (errors.length) {
      rejected.push(...errors);
      continue;
    }
    if (newCustomer) customers.set(row.externalRef, newCustomer);
    if (site) {
      sites.set(`${customer.id}\u0000${siteIdentity(row.site as SiteFields)}`, site);
      for (const key of siteKeys(site.values)) claimed.set(key, { siteId: site.id, line: row.line });
      for (const key of freed) released.add(key);
    }
  }
  const strip = <T extends { line: number }>({ line: _line, ...rest }: T) => rest;
  return {
    customers: [...customers.values()].map(strip),
    sites: [...sites.values()].map(strip),
    rejected: rejected.sort((a, b) => a.line - b.line),
  };
}

function pick(c: CustomerValues): CustomerValues {
  return { name: c.name, emails: c.emails, locale: c.locale, timeZone: c.timeZone, status: c.status };
}

function sameSite(a: SiteFields, b: SiteFields): boolean {
  return same(a.domains, b.domains) && same(a.server, b.server) && same(a.accountUser, b.accountUser) && same(a.vendorSiteIds, b.vendorSiteIds);
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
