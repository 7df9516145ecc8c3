import { Injectable } from '@nestjs/common';
import { HttpClient, OutboundHttpError } from '../http/http-client';
import { DEFAULT_CONNECT_TIMEOUT_SECONDS, DEFAULT_TIMEOUT_SECONDS, WebhookConfig } from './destination-config';
import { Destination, DestinationError, DestinationResult, OutboundDelivery } from './destination';
import { parseRetryAfter } from '../http/retry-after';
import { webhookSignature } from './webhook-signature';

export const MAX_BODY_BYTES = 20 * 1024;
const READ_BYTES = 64 * 1024;
const KEEP_BYTES = 4 * 1024;
// 408 and 429 say "not now" rather than "never"; every other 4xx is permanent for the message (410 also disables
// the destination). 5xx, timeouts, connection and TLS errors are retried; 429 and 503 with their Retry-After.
const RETRYABLE_4XX = new Set([408, 425, 429]);
// Failures the configuration causes: retrying the same message cannot help.
const PERMANENT_CODES = new Set(['invalid_url', 'blocked_destination', 'redirect_not_followed']);

// Signed JSON webhooks, Standard Webhooks exactly: webhook-id is the delivery's message id (the same on every retry
// and replay, so a receiver dedupes), webhook-timestamp is per attempt, webhook-signature signs id.timestamp.body
// with the current secret and, during a rotation's overlap, the previous one too. Only through the one HttpClient.
@Injectable()
export class WebhookDestination extends Destination {
  readonly kind = 'webhook';

  constructor(private readonly http: HttpClient) {
    super();
  }

  async send(d: OutboundDelivery): Promise<DestinationResult> {
    const target = d.target;
    if (!target) throw new DestinationError('the destination of this delivery was deleted', true);
    const event = d.message.event;
    if (!event) throw new DestinationError('this message has no webhook form', true);
    const config = target.config as unknown as WebhookConfig;
    const id = webhookId(d.id);
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });
    const bytes = Buffer.byteLength(body);
    const secrets = [target.secrets.signingSecret, target.previousSecrets?.signingSecret].filter((s): s is string => !!s);
    // What the attempt log keeps: never a header value (custom headers may be credentials) nor a secret.
    const request = { url: config.url, webhookId: id, timestamp, type: event.type, bytes, signatures: secrets.length, customHeaders: Object.keys(config.headers ?? {}) };
    if (bytes > MAX_BODY_BYTES) throw new DestinationError(`the message is ${bytes} bytes, over the ${MAX_BODY_BYTES}-byte limit of a webhook body`, true, request);
    let res;
    try {
      res = await this.http.request({
        method: 'POST',
        url: config.url,
        headers: {
          ...config.headers,
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': webhookSignature(secrets, id, timestamp, body),
        },
        body,
        connectTimeoutMs: (config.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT_SECONDS) * 1000,
        timeoutMs: (config.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
        maxResponseBytes: READ_BYTES,
        truncateResponse: true,
      });
    } catch (err) {
      if (err instanceof OutboundHttpError) throw new DestinationError(err.message, PERMANENT_CODES.has(err.code), request, { failure: err.code, status: err.status });
      throw err;
    }
    const response = { status: res.status, contentType: res.headers['content-type'] ?? null, body: excerpt(res.body) };
    if (res.status >= 200 && res.status < 300) return { request, response };
    const permanent = res.status >= 400 && res.status < 500 && !RETRYABLE_4XX.has(res.status);
    const afterMs = res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers['retry-after']) : null;
    const retryAfterSeconds = afterMs === null ? null : Math.ceil(afterMs / 1000);
    const hint = res.status === 410 ? { disable: 'gone_410' as const } : { retryAfterSeconds };
    const stored = retryAfterSeconds !== null ? { ...response, retryAfter: res.headers['retry-after'] } : response;
    throw new DestinationError(`HTTP ${res.status}${response.body ? `: ${response.body.slice(0, 200)}` : ''}`, permanent, request, stored, hint);
  }
}

// The message id of a delivery: stable across its retries and replays.
export function webhookId(deliveryId: string): string {
  return `msg_${deliveryId}`;
}

function excerpt(body: string): string {
  const buf = Buffer.from(body, 'utf8');
  return buf.length <= KEEP_BYTES ? body : buf.subarray(0, KEEP_BYTES).toString('utf8').replace(/\uFFFD$/, '') + '…';
}
