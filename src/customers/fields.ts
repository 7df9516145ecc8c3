import { isEmail } from 'class-validator';
import { domainToASCII } from 'node:url';

// Field rules shared by the JSON API and the CSV import, so that both accept and store exactly the same values.
// Each normalizer returns the stored form, or null when the value is not acceptable; all are idempotent.

export const CUSTOMER_STATUSES = ['active', 'suspended', 'closed'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

export const LIMITS = { emails: 20, domains: 100, vendorSiteIds: 100, text: 200 } as const;

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

// Operators paste URLs as often as host names: 'https://WWW.Example.com/shop/' is stored as 'www.example.com'.
// Internationalized names are stored in their ASCII (punycode) form, which is how vendors report them.
export function normalizeDomain(raw: string): string | null {
  let s = raw.trim().toLowerCase();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  s = s.replace(/[/?#].*$/, '');
  s = s.replace(/:\d{1,5}$/, '');
  s = s.replace(/\.$/, '');
  if (!s || s.length > 253 || s.includes('@')) return null;
  const ascii = domainToASCII(s);
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  if (/^\d+$/.test(labels[labels.length - 1])) return null; // an IPv4 address, not a domain
  return ascii;
}

export function normalizeEmail(raw: string): string | null {
  const s = raw.trim();
  return s.length <= 254 && isEmail(s) ? s : null;
}

// BCP-47-ish: a language with optional subtags, '_' accepted for '-'; stored in canonical case ('en-us' → 'en-US').
export function normalizeLocale(raw: string): string | null {
  const s = raw.trim().replace(/_/g, '-');
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(s) || s.length > 35) return null;
  try {
    return Intl.getCanonicalLocales(s)[0] ?? null;
  } catch {
    return null;
  }
}

// IANA names only (no '+02:00' offsets, which newer ICU versions accept). The case is corrected ('europe/paris'), but a
// valid alias is kept as written: ICU resolves 'EST' to 'America/Panama', which would surprise the operator.
export function normalizeTimeZone(raw: string): string | null {
  const s = raw.trim();
  if (!s || s.length > 64 || /^[+-]/.test(s)) return null;
  const known = timeZones.get(s);
  if (known !== undefined) return known;
  let result: string | null;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: s }).resolvedOptions().timeZone;
    result = resolved.toLowerCase() === s.toLowerCase() ? resolved : s;
  } catch {
    result = null;
  }
  if (timeZones.size < 2_000) timeZones.set(s, result);
  return result;
}

// Building a DateTimeFormat costs ~50 µs: too much for every row of a 50,000-row import that names a few zones.
const timeZones = new Map<string, string | null>();

// Server names, account users and vendor site ids. '|' separates server and user in a site key and ';' separates list
// items in the CSV, so neither may appear inside one.
export function normalizeIdentifier(raw: string): string | null {
  const s = raw.trim();
  return /^[^\s|;\p{Cc}]{1,255}$/u.test(s) ? s : null;
}

export function isCustomerStatus(s: string): s is CustomerStatus {
  return (CUSTOMER_STATUSES as readonly string[]).includes(s);
}

export interface SiteFields {
  domains: string[];
  server: string | null;
  accountUser: string | null;
  vendorSiteIds: string[];
}

// A site events can never resolve to is a mistake: it needs a domain, a vendor site id, or a server with an account.
export function siteIdentityError(site: SiteFields): { field: 'domains' | 'accountUser' | 'server'; message: string } | null {
  if (site.domains.length || site.vendorSiteIds.length || (site.server && site.accountUser)) return null;
  const message = 'a site needs at least one domain, a vendor site id, or both server and account user';
  if (site.server) return { field: 'accountUser', message };
  if (site.accountUser) return { field: 'server', message };
  return { field: 'domains', message };
}

export function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
