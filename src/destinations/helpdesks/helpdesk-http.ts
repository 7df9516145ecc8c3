import type { HttpResponse } from '../../http/http-client';
import { parseRetryAfter } from '../../http/retry-after';
import type { Verdict } from '../channels/channel-destination';

export interface HelpdeskCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  summary: Record<string, unknown>; // for the attempt log: never a key, token or secret
}

type Failed = Extract<Verdict, { ok: false }>;

// A helpdesk call that did not do what was asked. notTaken: the answer proves nothing was made (a 4xx, a refused
// address), so a create may simply be made again later; otherwise (a 5xx, a timeout) it may have been.
export class HelpdeskFailure extends Error {
  constructor(
    readonly verdict: Failed,
    readonly call: Record<string, unknown>,
    readonly response: Record<string, unknown>,
    readonly notTaken = false,
  ) {
    super(verdict.reason);
  }
}

// What a helpdesk's answer means: 2xx done; 401/403 the credentials (or the key's IP binding) are refused: the
// destination is disabled and the operator told; 429 wait as told (Retry-After; Help Scout's X-RateLimit-Retry-After);
// 400/409/422 the helpdesk refused this request (its own message kept): permanent; 404 a wrong URL or a ticket deleted
// on the helpdesk: permanent, without disabling; 408/5xx transient.
export function judgeHelpdesk(res: HttpResponse, reason: string, rateLimitHeader = 'retry-after'): Verdict {
  const s = res.status;
  const what = `HTTP ${s}${reason ? ` ${reason}` : ''}`;
  if (s >= 200 && s < 300) return { ok: true };
  if (s === 401 || s === 403) return { ok: false, kind: 'credentials', reason: what };
  if (s === 429) {
    const ms = parseRetryAfter(res.headers[rateLimitHeader] ?? res.headers['retry-after']);
    return { ok: false, kind: 'rate_limited', reason: what, retryAfterSeconds: ms === null ? null : ms / 1000 };
  }
  if (s === 404) return { ok: false, kind: 'config', reason: what };
  if (s === 408 || s >= 500) {
    const ms = s === 503 ? parseRetryAfter(res.headers['retry-after']) : null;
    return { ok: false, kind: 'transient', reason: what, retryAfterSeconds: ms === null ? null : ms / 1000 };
  }
  return { ok: false, kind: 'payload', reason: what };
}

export function parseJson(body: string): any {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

export function clip(s: string, max = 300): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

// A lookup's answer that is not the list asked for (a maintenance page with 200, a proxy's page) proves nothing: it
// must not read as "no ticket", or a second one would be created.
export function unexpected(what: string, status: number, body: string, call: Record<string, unknown>): HelpdeskFailure {
  return new HelpdeskFailure({ ok: false, kind: 'transient', reason: `HTTP ${status} ${what} answered without the list asked for: ${clip(body, 120)}` }, call, { status });
}
