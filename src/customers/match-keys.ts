import { normalizeDomain, SiteFields } from './fields';

// How events name sites. A site owns one site_keys row per key; an event yields candidate keys in order of preference
// and resolves to the site holding its first candidate that exists (see EventMatcher).

export const MATCH_RULES = ['vendor_site_id', 'domain', 'www', 'subdomain', 'server_account'] as const;
export type MatchRule = (typeof MATCH_RULES)[number];

export interface MatchCandidate {
  key: string;
  rule: MatchRule;
  priority: number; // lower wins
}

export interface EventIdentity {
  domain: string | null;
  server: string | null;
  accountUser: string | null;
  vendorSiteId: string | null;
}

export const vsidKey = (id: string) => `vsid:${id.trim()}`;
export const domainKey = (domain: string) => `dom:${domain}`;
export const accountKey = (server: string, user: string) => `acct:${server.trim().toLowerCase()}|${user.trim().toLowerCase()}`;

// Vendor site ids are opaque and kept as given; host names and user names are compared without case.
export function siteKeys(site: SiteFields): string[] {
  const keys = [...site.vendorSiteIds.map(vsidKey), ...site.domains.map(domainKey)];
  if (site.server && site.accountUser) keys.push(accountKey(site.server, site.accountUser));
  return [...new Set(keys)];
}

// The API field that a key comes from, to name it in a conflict.
export function keyField(key: string): 'vendorSiteIds' | 'domains' | 'accountUser' {
  return key.startsWith('vsid:') ? 'vendorSiteIds' : key.startsWith('dom:') ? 'domains' : 'accountUser';
}

export function describeKey(key: string): string {
  if (key.startsWith('vsid:')) return `vendor site id ${key.slice(5)}`;
  if (key.startsWith('dom:')) return `domain ${key.slice(4)}`;
  return `server and account ${key.slice(5).replace('|', ' / ')}`;
}

export function eventCandidates(ev: EventIdentity): MatchCandidate[] {
  const out: MatchCandidate[] = [];
  const seen = new Set<string>();
  const add = (key: string, rule: MatchRule) => {
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ key, rule, priority: out.length });
  };
  const vsid = ev.vendorSiteId?.trim();
  if (vsid) add(vsidKey(vsid), 'vendor_site_id');
  // An event's domain that is not a valid host name cannot equal any site's (those are validated), so it adds nothing.
  const domain = ev.domain ? normalizeDomain(ev.domain) : null;
  if (domain) {
    add(domainKey(domain), 'domain');
    const labels = domain.split('.');
    if (labels[0] === 'www' && labels.length > 2) add(domainKey(labels.slice(1).join('.')), 'www');
    // The other way round too: sites are often registered as 'www.example.com' while agents report 'example.com'.
    if (labels[0] !== 'www') add(domainKey(`www.${domain}`), 'www');
    for (let i = 1; labels.length - i >= 2; i++) add(domainKey(labels.slice(i).join('.')), 'subdomain');
  }
  const server = ev.server?.trim();
  const user = ev.accountUser?.trim();
  if (server && user) add(accountKey(server, user), 'server_account');
  return out;
}
