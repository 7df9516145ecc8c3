import { HttpClient } from '../http/http-client';
import { BillingApiError } from '../destinations/billing/billing-api-error';
import { BlestaApi, BlestaCredentials } from '../destinations/billing/blesta-api';
import { WhmcsApi, WhmcsCredentials } from '../destinations/billing/whmcs-api';
import type { BillingClient, BillingDomain, BillingService, BillingSnapshot } from './billing-records';

export type PageProgress = (list: 'clients' | 'services' | 'domains', fetched: number, total: number | null) => Promise<void> | void;

export const WHMCS_PAGE = 250;
const WHMCS_REQUESTS = 4; // pages asked for at once, across the lists
const PAGE_TRIES = 4;

// At most `n` of the calls given to it running at once, the others waiting in order.
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (running >= n) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

// A page that failed for now (a 5xx, a maintenance page, a timeout) is asked for again in place, after 0.5, 1 and 2 s:
// one bad page should not start a 5,000-client import over. Anything else (credentials, a refusal) is thrown at once.
async function patiently<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (!(err instanceof BillingApiError) || err.failure !== 'transient' || attempt >= PAGE_TRIES) throw err;
      await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    }
  }
}

type Wrapped<K extends string, T> = Record<K, Record<string, T[]> | '' | undefined>;
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

// Every client, hosting service and domain of a WHMCS, page by page (limitstart/limitnum): each list's first page
// says how many there are, then its other pages are asked for WHMCS_REQUESTS at a time across the three lists (a
// modest load for the billing system, whose page time is what an import takes).
export async function whmcsSnapshot(http: HttpClient, creds: WhmcsCredentials, progress: PageProgress, pageSize = WHMCS_PAGE): Promise<BillingSnapshot> {
  const api = new WhmcsApi(http, creds);
  const slots = limiter(WHMCS_REQUESTS);
  // WHMCS wraps lists: {"clients": {"client": [...]}}; an empty list may come as "" or not at all.
  const pages = async <T>(action: string, list: 'clients' | 'services' | 'domains', outer: string, inner: string): Promise<T[]> => {
    let fetched = 0;
    const page = async (start: number) => {
      const r = await slots(() => patiently(() => api.call<{ totalresults?: string | number } & Wrapped<string, T>>(action, { limitstart: start, limitnum: pageSize })));
      const wrapped = r[outer];
      const items: T[] = wrapped && typeof wrapped === 'object' && Array.isArray(wrapped[inner]) ? wrapped[inner] : [];
      const total = r.totalresults === undefined ? null : Number(r.totalresults);
      fetched += items.length;
      await progress(list, fetched, total);
      return { items, total };
    };
    const first = await page(0);
    if (first.total === null) {
      // no total given: one page after another until an empty or short one
      const out = [...first.items];
      for (let start = pageSize, last = first.items; last.length === pageSize; start += pageSize) {
        last = (await page(start)).items;
        out.push(...last);
      }
      return out;
    }
    const starts: number[] = [];
    for (let start = pageSize; start < first.total; start += pageSize) starts.push(start);
    const rest = await Promise.all(starts.map(page));
    return [first.items, ...rest.map((p) => p.items)].flat();
  };
  const [clients, services, domains] = await Promise.all([
    pages<Record<string, unknown>>('GetClients', 'clients', 'clients', 'client'),
    pages<Record<string, unknown>>('GetClientsProducts', 'services', 'products', 'product'),
    pages<Record<string, unknown>>('GetClientsDomains', 'domains', 'domains', 'domain'),
  ]);
  return {
    system: 'whmcs',
    clients: clients.map((c): BillingClient => ({
      id: str(c.id), name: str(c.companyname) || `${str(c.firstname)} ${str(c.lastname)}`.trim(), email: str(c.email) || null, status: str(c.status),
    })),
    services: services.map((p): BillingService => ({
      id: str(p.id), clientId: str(p.clientid), domain: str(p.domain) || null,
      server: str(p.serverhostname) || str(p.servername) || str(p.serverip) || null, username: str(p.username) || null, status: str(p.status),
    })),
    domains: domains.map((d): BillingDomain => ({ id: str(d.id), clientId: str(d.userid), domain: str(d.domainname), status: str(d.status) })),
  };
}

// Every client and live service of a Blesta, page by page (`page`, Blesta's own page size) until a page comes back
// empty. UNCONFIRMED (the Blesta source we read documents the models, not these lists' paging): clients/getList with
// no status lists every client; services/getList with no client_id lists every client's services of that status; a
// service's domain and hosting user are its `domain`/`username` fields, its server the module row's `host_name`.
// Domains are services in Blesta, so they come with the services.
export async function blestaSnapshot(http: HttpClient, creds: BlestaCredentials, progress: PageProgress): Promise<BillingSnapshot> {
  const api = new BlestaApi(http, creds);
  const pages = async <T>(model: string, params: Record<string, string>, list: 'clients' | 'services', done: () => number): Promise<T[]> => {
    const out: T[] = [];
    for (let page = 1; ; page++) {
      const items = await patiently(() => api.get<T[] | null | false>(model, 'getList', { ...params, page }));
      if (!Array.isArray(items) || !items.length) return out;
      out.push(...items);
      await progress(list, done() + out.length, null);
    }
  };
  let servicesSoFar = 0;
  const serviceList = async (status: string) => {
    const got = await pages<Record<string, unknown>>('services', { status }, 'services', () => servicesSoFar);
    servicesSoFar += got.length;
    return got;
  };
  const [clients, active, suspended] = await Promise.all([
    pages<Record<string, unknown>>('clients', {}, 'clients', () => 0),
    serviceList('active'),
    serviceList('suspended'),
  ]);
  const field = (s: Record<string, unknown>, ...keys: string[]) => {
    const fields = Array.isArray(s.fields) ? (s.fields as { key?: string; value?: unknown }[]) : [];
    for (const k of keys) {
      const f = fields.find((x) => x.key === k);
      if (f && str(f.value)) return str(f.value);
    }
    return null;
  };
  const host = (s: Record<string, unknown>) => {
    const meta = (s.module_row as { meta?: Record<string, unknown> } | undefined)?.meta;
    return str(meta?.host_name) || str(meta?.hostname) || str(meta?.server_name) || null;
  };
  return {
    system: 'blesta',
    clients: clients.map((c): BillingClient => ({
      id: str(c.id), name: str(c.company) || `${str(c.first_name)} ${str(c.last_name)}`.trim(), email: str(c.email) || null, status: str(c.status),
    })),
    services: [...active, ...suspended].map((s): BillingService => ({
      id: str(s.id), clientId: str(s.client_id), domain: field(s, 'domain', 'cpanel_domain', 'plesk_domain', 'directadmin_domain') ?? (str(s.name) || null),
      server: host(s), username: field(s, 'username', 'cpanel_username', 'plesk_username', 'directadmin_username'), status: str(s.status),
    })),
    domains: [],
  };
}
