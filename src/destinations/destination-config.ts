import { randomBytes } from 'node:crypto';
import { ValidationError } from '../errors/domain-error';
import { SUBSCRIBABLE_TYPES } from './destination.entity';

// Per-kind configuration, checked before anything is stored: a 400 that names the field. Pure (no Nest, no database).

export const SECRET_PREFIX = 'whsec_';
const MAX_HEADERS = 20;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
// Headers the adapter sets itself (or the HTTP layer does): a destination cannot override them.
const RESERVED = new Set(['content-type', 'content-length', 'host', 'connection', 'transfer-encoding', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature']);
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

// Delivery settings any kind may carry: seconds to wait after the 1st, 2nd, … failed attempt (each ±20% jitter; a
// webhook defaults to Svix's schedule, e-mail to DELIVERY_RETRY_SCHEDULE).
export type DeliverySettings = { retrySchedule?: number[] };

export type WebhookConfig = DeliverySettings & {
  url: string;
  headers: Record<string, string>; // name → value as stored (sealed)
  connectTimeoutSeconds?: number; // default 5
  timeoutSeconds?: number; // the whole request, answer included; default 15
};

export type EmailConfig = DeliverySettings & {
  to: string[];
};

export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;
export const DEFAULT_TIMEOUT_SECONDS = 15;
const MAX_STEP_SECONDS = 7 * 24 * 3600;

// Normalizes the config of `kind`; `header` seals each custom header value (they may be credentials).
export function checkConfig(kind: 'email' | 'webhook', raw: unknown, seal: (value: string, field: string) => string): Record<string, unknown> {
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationError('config', 'config must be an object');
  const c = raw as Record<string, unknown>;
  const known = kind === 'webhook' ? ['url', 'headers', 'retrySchedule', 'connectTimeoutSeconds', 'timeoutSeconds'] : ['to', 'retrySchedule'];
  const unknown = Object.keys(c).find((k) => !known.includes(k));
  if (unknown) throw new ValidationError(`config.${unknown}`, `config.${unknown} is not a setting of a ${kind} destination (${known.join(', ')})`);
  const settings = checkDeliverySettings(c);
  if (kind === 'email') return { ...checkEmail(c), ...settings };
  return { ...checkWebhook(c, seal), ...settings, ...checkTimeouts(c) };
}

export function checkDeliverySettings(c: Record<string, unknown>): DeliverySettings {
  if (c.retrySchedule === undefined) return {};
  const s = c.retrySchedule;
  const field = 'config.retrySchedule';
  if (!Array.isArray(s) || s.length > 20) throw new ValidationError(field, `${field} must list at most 20 waits in seconds (after the 1st, 2nd, … failed attempt)`);
  const bad = s.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > MAX_STEP_SECONDS);
  if (bad >= 0) throw new ValidationError(`${field}[${bad}]`, `${field}[${bad}] must be a number of seconds from 0 to ${MAX_STEP_SECONDS}`);
  return { retrySchedule: s as number[] };
}

function checkTimeouts(c: Record<string, unknown>): Pick<WebhookConfig, 'connectTimeoutSeconds' | 'timeoutSeconds'> {
  const out: Pick<WebhookConfig, 'connectTimeoutSeconds' | 'timeoutSeconds'> = {};
  for (const key of ['connectTimeoutSeconds', 'timeoutSeconds'] as const) {
    const v = c[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0.1 || v > 120) throw new ValidationError(`config.${key}`, `config.${key} must be a number of seconds from 0.1 to 120`);
    out[key] = v;
  }
  const connect = out.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT_SECONDS;
  const total = out.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (connect > total) throw new ValidationError('config.connectTimeoutSeconds', `config.connectTimeoutSeconds (${connect}) cannot exceed config.timeoutSeconds (${total})`);
  return out;
}

function checkEmail(c: Record<string, unknown>): EmailConfig {
  const to = c.to;
  if (!Array.isArray(to) || to.length === 0 || to.length > 50) throw new ValidationError('config.to', 'config.to must list 1 to 50 e-mail addresses');
  const bad = to.findIndex((a) => typeof a !== 'string' || a.length > 254 || !EMAIL.test(a));
  if (bad >= 0) throw new ValidationError(`config.to[${bad}]`, `config.to[${bad}] is not an e-mail address`);
  return { to: [...new Set(to as string[])] };
}

function checkWebhook(c: Record<string, unknown>, seal: (value: string, field: string) => string): WebhookConfig {
  const url = c.url;
  if (typeof url !== 'string' || !url) throw new ValidationError('config.url', 'config.url is required: the http(s) URL messages are POSTed to');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError('config.url', 'config.url is not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ValidationError('config.url', 'config.url must be an http or https URL');
  if (parsed.username || parsed.password) throw new ValidationError('config.url', 'config.url must not carry credentials; use config.headers');
  if (url.length > 2048) throw new ValidationError('config.url', 'config.url is longer than 2048 characters');
  const headers: Record<string, string> = {};
  if (c.headers !== undefined) {
    if (!c.headers || typeof c.headers !== 'object' || Array.isArray(c.headers)) throw new ValidationError('config.headers', 'config.headers must be an object of header names to values');
    const entries = Object.entries(c.headers as Record<string, unknown>);
    if (entries.length > MAX_HEADERS) throw new ValidationError('config.headers', `config.headers may hold at most ${MAX_HEADERS} headers`);
    for (const [name, value] of entries) {
      const field = `config.headers.${name}`;
      if (!TOKEN.test(name)) throw new ValidationError(field, `${field}: not a valid header name`);
      if (RESERVED.has(name.toLowerCase())) throw new ValidationError(field, `${field}: set by hostdigest itself, cannot be configured`);
      if (typeof value !== 'string' || value.length > 4096 || /[\r\n\0]/.test(value)) throw new ValidationError(field, `${field} must be a single-line string of at most 4096 characters`);
      headers[name] = seal(value, field);
    }
  }
  return { url, headers };
}

// The subscription list: known types only, each once, and only those the kind can take (e-mail none yet: an e-mail
// form of these messages comes with the rules issue; a channel those with a text form).
export function checkEventTypes(kind: { kind: string; subscribes: readonly string[] }, types: unknown): string[] {
  if (!Array.isArray(types) || types.some((t) => typeof t !== 'string')) throw new ValidationError('eventTypes', 'eventTypes must be a list of message types');
  const unknown = types.find((t) => !(SUBSCRIBABLE_TYPES as readonly string[]).includes(t));
  if (unknown !== undefined) throw new ValidationError('eventTypes', `eventTypes: "${unknown}" is not a message type a destination can subscribe to (${SUBSCRIBABLE_TYPES.join(', ')})`);
  const refused = types.find((t) => !kind.subscribes.includes(t));
  if (refused !== undefined) {
    throw new ValidationError('eventTypes', kind.subscribes.length
      ? `eventTypes: a ${kind.kind} destination can subscribe to ${kind.subscribes.join(', ')} only, not "${refused}"`
      : `a ${kind.kind} destination cannot subscribe to message types yet; use a webhook`);
  }
  return [...new Set(types as string[])];
}

// A signing secret as Standard Webhooks defines it: whsec_ + base64 of 24 to 64 random bytes.
export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

export function checkSigningSecret(secret: string, field = 'signingSecret'): void {
  if (secret.startsWith('env:')) return; // resolved (and its form checked) when a message is signed
  const body = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : null;
  const bytes = body !== null && /^[A-Za-z0-9+/]+={0,2}$/.test(body) && body.length % 4 === 0 ? Buffer.from(body, 'base64').length : 0;
  if (bytes < 24 || bytes > 64) throw new ValidationError(field, `${field} must be "whsec_" followed by the base64 of 24 to 64 random bytes (or an env:NAME reference), or left out to have one generated`);
}

// The HMAC key of a secret: its base64 part, decoded.
export function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}
