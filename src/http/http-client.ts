import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, errors as undiciErrors, request } from 'undici';
import { AppConfig } from '../config/app-config';
import { blockedReason } from './ssrf-guard';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  maxResponseBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  durationMs: number;
}

export type OutboundErrorCode = 'invalid_url' | 'blocked_destination' | 'timeout' | 'network' | 'response_too_large';

export class OutboundHttpError extends Error {
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_MAX_RESPONSE = 5 * 1024 * 1024;

// The one outbound HTTP client. Every request to a URL an operator or a vendor supplied goes through it: only
// http(s), no private/loopback/metadata addresses (checked on the address actually connected to, so DNS
// rebinding cannot slip past), timeouts, a response size cap, and no redirects followed.
@Injectable()
export class HttpClient implements OnModuleDestroy {
  private readonly agent: Agent;

  constructor(private readonly config: AppConfig) {
    const allowPrivate = config.http.outboundAllowPrivate;
    this.agent = new Agent({
      connect: {
        lookup: (hostname: string, options: object, cb: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
          dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
            if (err) return cb(err, []);
            const blocked = allowPrivate ? null : addresses.map((a) => blockedReason(a.address)).find(Boolean);
            if (blocked) return cb(new OutboundHttpError('blocked_destination', `${hostname} resolves to ${blocked}`), []);
            const all = (options as { all?: boolean }).all;
            return all ? cb(null, addresses) : cb(null, addresses[0].address, addresses[0].family);
          });
        },
      } as never,
      keepAliveTimeout: 10_000,
    });
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
        dispatcher: this.agent,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await readCapped(res.body, req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      return { status: res.statusCode, headers, body, durationMs: Math.round(performance.now() - started) };
    } catch (err) {
      throw toOutboundError(err, url, timeoutMs);
    }
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
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // Literal IPs never reach the lookup hook, so check them here.
    if (isIP(host) && !this.config.http.outboundAllowPrivate) {
      const blocked = blockedReason(host);
      if (blocked) throw new OutboundHttpError('blocked_destination', blocked);
    }
    return url;
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.close();
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy?: () => void }, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy?.();
      throw new OutboundHttpError('response_too_large', `response is larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function toOutboundError(err: unknown, url: URL, timeoutMs: number): OutboundHttpError {
  if (err instanceof OutboundHttpError) return err;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof OutboundHttpError) return cause;
  const e = err as Error & { code?: string; name?: string };
  if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError || e.name === 'TimeoutError' || e.name === 'AbortError') {
    return new OutboundHttpError('timeout', `${url.host} did not answer within ${timeoutMs} ms`);
  }
  return new OutboundHttpError('network', `${url.host}: ${e.code ? `${e.code} ` : ''}${e.message}`);
}
