import { HttpClient, HttpResponse, OutboundHttpError } from '../../http/http-client';
import { parseRetryAfter } from '../../http/retry-after';
import { ChannelText, channelText } from '../channel-message';
import { Destination, DestinationError, DestinationHint, DestinationResult, DestinationTarget, OutboundDelivery } from '../destination';

// What a channel's answer means for the pipeline:
// - rate_limited: retried, after the channel's own hint when it gives one;
// - credentials: the token, key or secret URL is refused (or the webhook no longer exists): permanent, and the
//   destination is disabled with the operator told, through the pipeline's one disable path (hint.disable);
// - config: permanent, the settings are wrong for this message's target (unknown chat, archived channel);
// - payload: permanent, the message itself was refused;
// - transient: retried on the schedule (5xx, timeouts, the channel's own "try again").
export type FailureKind = 'rate_limited' | 'credentials' | 'config' | 'payload' | 'transient';

export type Verdict = { ok: true; response?: Record<string, unknown> } | { ok: false; kind: FailureKind; reason: string; retryAfterSeconds?: number | null };

export interface ChannelCall {
  method?: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  summary: Record<string, unknown>; // what the attempt log keeps: never a token, key or secret URL
}

const TIMEOUT_MS = 15_000;
const READ_BYTES = 64 * 1024;
const KEEP_CHARS = 2_000;
const MAX_RETRY_AFTER_SECONDS = 24 * 3600;
// Failures of the HTTP layer that the configuration causes: retrying the same message cannot help.
const PERMANENT_CODES = new Set(['invalid_url', 'blocked_destination', 'redirect_not_followed']);

// A chat, push or paging channel: the message's text form (channel-message.ts) made into the channel's request,
// sent through the one HttpClient, and its answer classified. Subclasses say what to send and what the answer means.
export abstract class ChannelDestination extends Destination {
  constructor(protected readonly http: HttpClient) {
    super();
  }

  // delivery: for a per-message idempotency key (Pushbullet guid, OneSignal idempotency_key), the same on every retry.
  protected abstract call(target: DestinationTarget, text: ChannelText, delivery: OutboundDelivery): ChannelCall;
  protected abstract judge(res: HttpResponse, call: ChannelCall): Verdict;

  async send(d: OutboundDelivery): Promise<DestinationResult> {
    const target = d.target;
    if (!target) throw new DestinationError('the destination of this delivery was deleted', true);
    const text = channelText(d.message, d.id);
    if (!text) throw new DestinationError(`this message has no text form for a ${this.kind} destination`, true);
    let call: ChannelCall;
    try {
      call = this.call(target, text, d);
    } catch (err) {
      if (err instanceof DestinationError) throw err;
      throw new DestinationError(`${this.kind}: ${(err as Error).message}`, true);
    }
    let res: HttpResponse;
    try {
      res = await this.http.request({
        method: call.method ?? 'POST', url: call.url, headers: call.headers, body: call.body,
        timeoutMs: TIMEOUT_MS, maxResponseBytes: READ_BYTES, truncateResponse: true,
      });
    } catch (err) {
      if (!(err instanceof OutboundHttpError)) throw err;
      // An invalid URL's message quotes it, and the URL may be the secret (a webhook URL from env:NAME).
      const message = err.code === 'invalid_url' ? 'invalid_url: the configured URL is not a valid http(s) URL' : err.message;
      throw new DestinationError(message, PERMANENT_CODES.has(err.code), call.summary, { failure: err.code, status: err.status });
    }
    const response: Record<string, unknown> = { status: res.status, contentType: res.headers['content-type'] ?? null, body: res.body.slice(0, KEEP_CHARS) };
    const verdict = this.judge(res, call);
    if (verdict.ok) return { request: call.summary, response: { ...response, ...verdict.response } };
    throw failure(verdict, call.summary, response);
  }
}

export function failure(v: Extract<Verdict, { ok: false }>, request: Record<string, unknown>, response: Record<string, unknown>): DestinationError {
  const hint: DestinationHint =
    v.kind === 'credentials' ? { disable: 'invalid_credentials' } : { retryAfterSeconds: v.retryAfterSeconds == null ? null : Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Math.ceil(v.retryAfterSeconds))) };
  const permanent = v.kind === 'credentials' || v.kind === 'config' || v.kind === 'payload';
  const retryAfter = hint.retryAfterSeconds != null ? { retryAfterSeconds: hint.retryAfterSeconds } : {};
  return new DestinationError(`${v.kind}: ${v.reason}`, permanent, request, { ...response, ...retryAfter }, hint);
}

// The usual HTTP meaning, for what a channel does not say more precisely: 2xx taken; 401/403 credentials refused;
// 404/410 the webhook or resource is gone (its URL is its credential); 429 with Retry-After; 408/425/5xx transient;
// any other 4xx the message refused.
export function byStatus(res: HttpResponse, reason: string = excerpt(res.body)): Verdict {
  const s = res.status;
  if (s >= 200 && s < 300) return { ok: true };
  if (s === 429) return { ok: false, kind: 'rate_limited', reason: `HTTP 429 ${reason}`.trim(), retryAfterSeconds: retryAfterHeader(res) };
  if (s === 401 || s === 403 || s === 404 || s === 410) return { ok: false, kind: 'credentials', reason: `HTTP ${s} ${reason}`.trim() };
  if (s === 408 || s === 425 || s >= 500) return { ok: false, kind: 'transient', reason: `HTTP ${s} ${reason}`.trim(), retryAfterSeconds: s === 503 ? retryAfterHeader(res) : null };
  return { ok: false, kind: 'payload', reason: `HTTP ${s} ${reason}`.trim() };
}

export function retryAfterHeader(res: HttpResponse): number | null {
  const ms = parseRetryAfter(res.headers['retry-after']);
  return ms === null ? null : ms / 1000;
}

export function json(body: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(body);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

export function excerpt(body: string, max = 200): string {
  return body.length > max ? `${body.slice(0, max)}…` : body;
}

// Where a secret URL points, for the attempt log: its host only.
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}

export function secret(target: DestinationTarget, name: string): string {
  const v = target.secrets[name];
  if (!v) throw new DestinationError(`config.${name} is not set`, true);
  return v;
}
