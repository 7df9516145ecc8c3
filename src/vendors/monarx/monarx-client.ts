import { RequestRetryPolicy, requestRetryWaitMs } from '../retry-schedule';
import {
  VendorAuthError,
  VendorContractError,
  VendorCursorExpiredError,
  VendorError,
  VendorNotFoundError,
  VendorRateLimitError,
  VendorTransientError,
  vendorFault,
} from '../vendor-errors';
import { parseRetryAfter } from '../../http/retry-after';
import { MONARX_API_SHAPE, MonarxApiShape, MonarxResource } from './monarx-api-shape';

// Structural copy of the service's outbound client (src/http/http-client.ts), so this file depends on no HTTP library.
export type HttpRequester = {
  request(req: {
    method: string;
    url: string;
    headers?: Record<string, string>;
    body?: string;
    timeoutMs?: number;
  }): Promise<{ status: number; headers: Record<string, string>; body: string }>;
};

export interface MonarxClientOptions {
  enterpriseId: string;
  apiId: string; // the partner API key, sent as x-api-id
  apiKey: string; // the partner API secret, sent as x-api-key
  baseUrl?: string; // defaults to shape.baseUrl; tests point it at the fake server
  shape?: MonarxApiShape;
  timeoutMs?: number;
  // Without it every failed request is thrown at once. With it a 429 is waited out (Retry-After) and a 5xx or timeout
  // is retried a few times, in place: one bad answer costs a wait and that request, not the run. An abort ends a wait
  // early and throws the request's error.
  retry?: RequestRetryPolicy & { signal?: AbortSignal };
}

export interface MonarxPage {
  items: unknown[];
}

// One page of HTTP per step, each request retried in place only under opts.retry. The poll job reschedules on what is
// still thrown, and on VendorCursorExpiredError the connector restarts pages() from its high-water mark (overlap + id
// dedupe absorb repeats).
export class MonarxClient {
  private readonly shape: MonarxApiShape;
  private readonly baseUrl: string;

  constructor(
    private readonly http: HttpRequester,
    private readonly opts: MonarxClientOptions,
  ) {
    this.shape = opts.shape ?? MONARX_API_SHAPE;
    this.baseUrl = (opts.baseUrl ?? this.shape.baseUrl).replace(/\/+$/, '');
  }

  // Pages of one resource in ascending `sinceField` order, from sinceIso (inclusive) or from the beginning when null.
  async *pages(resource: MonarxResource, sinceIso: string | null, pageSize = this.shape.pageSize): AsyncGenerator<MonarxPage> {
    const { query, envelope } = this.shape;
    const firstUrl = this.listUrl(resource, sinceIso, pageSize);
    let url = firstUrl;
    let page = this.shape.firstPage;
    let viaNextLink = false;
    for (;;) {
      const body = await this.getJson(url, viaNextLink);
      const items = itemsOf(body, envelope.embedded, envelope.items, url);
      yield { items };

      const next = nextHref(body, envelope.links, envelope.next);
      if (next) {
        const resolved = new URL(next, url);
        // Credentials go with every request: never follow a link off the configured host.
        if (resolved.origin !== new URL(this.baseUrl).origin) {
          throw new VendorContractError(`Monarx returned a next link to another host (${resolved.origin})`);
        }
        if (resolved.href === url) throw new VendorContractError(`Monarx returned a next link to the same page (${url})`);
        url = resolved.href;
        viaNextLink = true;
        continue;
      }
      // A server that pages by links ends the list by leaving the link out.
      if (viaNextLink || items.length === 0) return;
      const meta = pageMeta(body, envelope.page, envelope.pageNumber, envelope.totalPages);
      const number = meta.number ?? page;
      // Without page metadata, a short page is the last one (guards against a server that ignores `page`).
      const pagesServed = number - this.shape.firstPage + 1;
      if (meta.totalPages === null ? items.length < pageSize : pagesServed >= meta.totalPages) return;
      page = number + 1;
      const nextUrl = new URL(firstUrl);
      nextUrl.searchParams.set(query.page, String(page));
      url = nextUrl.href;
    }
  }

  async listAgents(): Promise<unknown[]> {
    const agents: unknown[] = [];
    for await (const page of this.pages('agent', null)) agents.push(...page.items);
    return agents;
  }

  // No cheap "who am I" endpoint is confirmed; one agent is the smallest call that proves id, secret and enterprise.
  async checkCredentials(): Promise<void> {
    await this.getJson(this.listUrl('agent', null, 1), false);
  }

  listUrl(resource: MonarxResource, sinceIso: string | null, pageSize: number): string {
    const { query, resources, enterprisePath } = this.shape;
    const r = resources[resource];
    const url = new URL(this.baseUrl + enterprisePath.replace('{enterpriseId}', encodeURIComponent(this.opts.enterpriseId)) + '/' + r.path);
    if (r.sinceField && sinceIso) url.searchParams.set(query.filter, `${r.sinceField}=ge=${sinceIso}`);
    if (r.sortField) url.searchParams.set(query.sort, `${r.sortField},asc`);
    url.searchParams.set(query.page, String(this.shape.firstPage));
    url.searchParams.set(query.size, String(pageSize));
    return url.href;
  }

  private async getJson(url: string, viaNextLink: boolean): Promise<unknown> {
    const tries = { faults: 0, limits: 0 };
    for (;;) {
      try {
        return await this.getJsonOnce(url, viaNextLink);
      } catch (err) {
        const retry = this.opts.retry;
        // An expired paging cursor answers the same again: the connector restarts the scan instead.
        const fault = retry && !(err instanceof VendorCursorExpiredError) ? vendorFault(err) : null;
        if (!retry || !fault || retry.signal?.aborted) throw err;
        if (fault.kind === 'rate_limited') tries.limits++;
        if (fault.kind === 'transient') tries.faults++;
        const wait = requestRetryWaitMs(fault, tries, retry);
        if (wait === null) throw err;
        await pause(wait, retry.signal);
        if (retry.signal?.aborted) throw err;
      }
    }
  }

  private async getJsonOnce(url: string, viaNextLink: boolean): Promise<unknown> {
    const { headers } = this.shape;
    let res: { status: number; headers: Record<string, string>; body: string };
    try {
      res = await this.http.request({
        method: 'GET',
        url,
        headers: { [headers.apiId]: this.opts.apiId, [headers.apiKey]: this.opts.apiKey, accept: 'application/json' },
        timeoutMs: this.opts.timeoutMs,
      });
    } catch (err) {
      if (err instanceof VendorError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      // Read structurally from src/http's OutboundHttpError: a refused URL will be refused again, so retrying is pointless.
      const code = (err as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && PERMANENT_OUTBOUND_CODES.has(code)) {
        // The outbound client's message starts with its code ("blocked_destination: resolves to 10.0.0.1 (private)").
        const said = message.startsWith(`${code}:`) ? message : `${code}: ${message}`;
        throw new VendorContractError(`Monarx request to ${stripQuery(url)} cannot be sent: ${said}; check the base URL`);
      }
      throw new VendorTransientError(`Monarx request failed: ${message}`, null, { cause: err });
    }
    if (res.status >= 200 && res.status < 300) {
      try {
        return JSON.parse(res.body) as unknown;
      } catch {
        throw new VendorContractError(`Monarx answered ${url} with a body that is not JSON: ${snippet(res.body)}`, res.status);
      }
    }
    throw errorFor(res.status, res.headers, res.body, url, viaNextLink);
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

// A redirect is the vendor pointing elsewhere (http → https, a moved API): the base URL needs the final address.
const PERMANENT_OUTBOUND_CODES = new Set(['invalid_url', 'blocked_destination', 'redirect_not_followed', 'response_too_large']);

export function errorFor(
  status: number,
  headers: Record<string, string>,
  body: string,
  url: string,
  viaNextLink: boolean,
): VendorError {
  if (status === 401 || status === 403) return new VendorAuthError(status, vendorMessage(body));
  if (status === 404) return new VendorNotFoundError(stripQuery(url));
  if (status === 429) return new VendorRateLimitError(parseRetryAfter(header(headers, 'retry-after')));
  if (viaNextLink && (status === 410 || (status === 400 && /cursor/i.test(body)))) return new VendorCursorExpiredError(status);
  if (status >= 500 || status === 408) {
    return new VendorTransientError(`Monarx answered HTTP ${status}: ${snippet(body)}`, status);
  }
  return new VendorContractError(
    `Monarx refused ${stripQuery(url)} with HTTP ${status}: ${snippet(body)}; a path, parameter or filter field may have changed`,
    status,
  );
}

function itemsOf(body: unknown, embeddedKey: string, itemsKey: string, url: string): unknown[] {
  if (!isObject(body)) throw new VendorContractError(`Monarx answered ${stripQuery(url)} with something other than a HAL object`);
  const embedded = body[embeddedKey];
  // Spring HAL leaves `_embedded` out of an empty page.
  if (embedded === undefined || embedded === null) return [];
  if (!isObject(embedded)) throw new VendorContractError(`Monarx ${embeddedKey} is not an object`);
  const items = embedded[itemsKey];
  if (Array.isArray(items)) return items;
  if (items === undefined && Object.keys(embedded).length === 0) return [];
  throw new VendorContractError(`Monarx ${embeddedKey}.${itemsKey} is missing; it holds ${Object.keys(embedded).join(', ') || 'nothing'}`);
}

function nextHref(body: unknown, linksKey: string, nextKey: string): string | null {
  if (!isObject(body)) return null;
  const links = body[linksKey];
  if (!isObject(links)) return null;
  const next = links[nextKey];
  if (typeof next === 'string') return next || null;
  if (isObject(next) && typeof next.href === 'string' && next.href !== '') return next.href;
  return null;
}

function pageMeta(body: unknown, pageKey: string, numberKey: string, totalKey: string): { number: number | null; totalPages: number | null } {
  const page = isObject(body) ? body[pageKey] : undefined;
  if (!isObject(page)) return { number: null, totalPages: null };
  const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);
  return { number: int(page[numberKey]), totalPages: int(page[totalKey]) };
}

function vendorMessage(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isObject(parsed)) {
      const msg = parsed.message ?? parsed.error;
      if (typeof msg === 'string') return snippet(msg);
    }
  } catch {
    // not JSON; the status says enough
  }
  return undefined;
}

function header(headers: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

// Error messages end up in logs and the operator UI; the query string may hold filters but never credentials.
function stripQuery(url: string): string {
  const u = new URL(url);
  return u.origin + u.pathname;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
