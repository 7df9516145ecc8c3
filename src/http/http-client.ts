import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, buildConnector, errors as undiciErrors, request } from 'undici';
import { AppConfig } from '../config/app-config';
import { DnsResolver } from './dns-resolver';
import { refusal } from './ssrf-guard';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  connectTimeoutMs?: number; // TCP (and TLS) connect; default: the Agent's (10 s)
  maxResponseBytes?: number;
  truncateResponse?: boolean; // a body past maxResponseBytes is cut there instead of failing the request
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  durationMs: number;
}

export type OutboundErrorCode = 'invalid_url' | 'blocked_destination' | 'redirect_not_followed' | 'timeout' | 'network' | 'response_too_large';

// The message starts with the code ("blocked_destination: resolves to 10.0.0.1 (private)"), so that whoever shows
// it (a vendor account's test, a delivery attempt) shows why at once.
export class OutboundHttpError extends Error {
  constructor(
    readonly code: OutboundErrorCode,
    readonly detail: string,
    readonly status: number | null = null,
  ) {
    super(`${code}: ${detail}`);
  }
}

const DEFAULT_MAX_RESPONSE = 5 * 1024 * 1024;

type LookupCallback = (err: Error | null, address: string | LookupAddress[], family?: number) => void;

// The one outbound HTTP client. Every request to a URL an operator or a vendor supplied goes through it: only
// http(s), timeouts, a response size cap, no redirects followed (a 3xx is an error that states the Location), and
// the SSRF guard: no private, loopback, link-local/metadata, CGNAT, multicast or reserved address, in any IPv6 form,
// unless OUTBOUND_ALLOW_HOSTS allows it. The guard sits in the connector, so it judges the address actually connected
// to: a literal IP before connecting, a name on what it resolves to, inside the lookup that the connection then uses
// (DNS rebinding cannot slip past a check made earlier).
@Injectable()
export class HttpClient implements OnModuleDestroy {
  private readonly agent: Agent;
  // One Agent per connect timeout asked for (destinations set their own): connect timeouts are per connector.
  private readonly agents = new Map<number, Agent>();
  private readonly makeAgent: (connectTimeoutMs?: number) => Agent;

  constructor(
    private readonly config: AppConfig,
    private readonly dns: DnsResolver = new DnsResolver(),
  ) {
    const allow = config.http.outboundAllowHosts;
    const lookup = (hostname: string, options: { family?: number | string; all?: boolean }, cb: LookupCallback) => {
      const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
      this.dns.resolve(hostname, family).then(
        (addresses) => {
          if (!addresses.length) return cb(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
          const refused = addresses.map((a) => refusal(a.address, hostname, allow)).find(Boolean);
          if (refused) return cb(new OutboundHttpError('blocked_destination', refused), []);
          return options.all ? cb(null, addresses) : cb(null, addresses[0].address, addresses[0].family);
        },
        (err: Error) => cb(err, []),
      );
    };
    this.makeAgent = (connectTimeoutMs?: number) => {
      const connector = buildConnector({ lookup, ...(connectTimeoutMs ? { timeout: connectTimeoutMs } : {}) } as never);
      const connect: buildConnector.connector = (opts, cb) => {
        // A literal IP never reaches the lookup: judged here, before the connection is opened.
        const host = opts.hostname.replace(/^\[|\]$/g, '');
        const refused = isIP(host) ? refusal(host, host, allow) : null;
        if (refused) return cb(new OutboundHttpError('blocked_destination', refused), null);
        connector(opts, cb);
      };
      return new Agent({ connect, keepAliveTimeout: 10_000 });
    };
    this.agent = this.makeAgent();
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = this.check(req.url);
    const timeoutMs = req.timeoutMs ?? this.config.http.outboundTimeoutMs;
    const started = performance.now();
    try {
      const res = await request(url, {
        method: req.method as never,
        headers: { 'user-agent': 'hostdigest/0.1', ...req.headers },
        body: req.body,
        dispatcher: this.dispatcher(req.connectTimeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.statusCode >= 300 && res.statusCode < 400) {
        await res.body.dump();
        throw redirected(res.statusCode, res.headers.location, url);
      }
      const body = await readCapped(res.body, req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE, req.truncateResponse ?? false);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      return { status: res.statusCode, headers, body, durationMs: Math.round(performance.now() - started) };
    } catch (err) {
      throw toOutboundError(err, url, timeoutMs);
    }
  }

  private dispatcher(connectTimeoutMs?: number): Agent {
    if (!connectTimeoutMs) return this.agent;
    let agent = this.agents.get(connectTimeoutMs);
    if (!agent) this.agents.set(connectTimeoutMs, (agent = this.makeAgent(connectTimeoutMs)));
    return agent;
  }

  private check(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new OutboundHttpError('invalid_url', `"${raw}" is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundHttpError('invalid_url', `only http and https URLs are allowed, got ${url.protocol}`);
    if (url.username || url.password) throw new OutboundHttpError('invalid_url', 'credentials in the URL are not allowed; use the credential fields');
    return url;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.agent, ...this.agents.values()].map((a) => a.close()));
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy?: () => void }, max: number, truncate: boolean): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy?.();
      if (truncate) {
        chunks.push(chunk.subarray(0, chunk.length - (size - max)));
        break;
      }
      throw new OutboundHttpError('response_too_large', `response is larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// Following a redirect would send the request (and its credentials) somewhere nobody configured, possibly inside
// the network; the operator points the URL at the final address instead.
function redirected(status: number, location: string | string[] | undefined, url: URL): OutboundHttpError {
  const raw = Array.isArray(location) ? location[0] : location;
  if (!raw) return new OutboundHttpError('redirect_not_followed', `HTTP ${status} from ${url.origin} without a Location; redirects are not followed`, status);
  let target = raw;
  try {
    target = new URL(raw, url).href;
  } catch {
    /* state it as sent */
  }
  return new OutboundHttpError('redirect_not_followed', `HTTP ${status} from ${url.origin} to ${target}; redirects are not followed, use the final URL`, status);
}

function toOutboundError(err: unknown, url: URL, timeoutMs: number): OutboundHttpError {
  if (err instanceof OutboundHttpError) return err;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof OutboundHttpError) return cause;
  const e = err as Error & { code?: string; name?: string };
  if (e instanceof undiciErrors.ConnectTimeoutError) return new OutboundHttpError('timeout', `${url.host}: could not connect in time (${e.message})`);
  if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError || e.name === 'TimeoutError' || e.name === 'AbortError') {
    return new OutboundHttpError('timeout', `${url.host} did not answer within ${timeoutMs} ms`);
  }
  return new OutboundHttpError('network', `${url.host}: ${e.code ? `${e.code} ` : ''}${e.message}`);
}
