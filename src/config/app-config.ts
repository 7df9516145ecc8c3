import { resolve } from 'node:path';
import { EnvReferenceRules, parseEnvReferenceGrants } from './env-reference-grants';
import { OutboundAllowList, parseOutboundAllowList } from './outbound-allow-list';

export type Role = 'api' | 'worker' | 'scheduler';
const ROLES: readonly Role[] = ['api', 'worker', 'scheduler'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
// auto: human lines and a short summary while starting when stdout is a terminal, JSON otherwise; after the start,
// and always with json, one JSON object per line.
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

// The one typed tree of settings. Built once from the environment by loadConfig(); nothing else reads process.env.
export class AppConfig {
  port: number;
  host: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  roles: Set<Role>;
  dataDir: string;
  database: {
    url: string | null; // null = embedded PostgreSQL under dataDir
    embeddedPort: number;
    embeddedDir: string;
    runMigrations: boolean;
    poolSize: number;
  };
  jobs: { schema: string; pollingIntervalSeconds: number; shutdownTimeoutMs: number };
  auth: { bootstrapAdminKey: string | null; rateLimitPerMinute: number; failuresPerMinute: number };
  secrets: { key: string | null; keyFile: string };
  // trustProxy: Fastify's trustProxy, so that the client address (auth failure throttle, logs) is the proxy's client
  // outboundAllowHosts: what outbound HTTP may reach past the SSRF guard (OUTBOUND_ALLOW_HOSTS)
  http: { bodyLimit: string; bodyLimitBytes: number; outboundTimeoutMs: number; outboundAllowHosts: OutboundAllowList; trustProxy: boolean | number | string };
  smtpUrl: string | null;
  outboxDir: string;
  events: { retentionDays: number };
  vendors: {
    pollTimeBudgetMs: number; backoffBaseMs: number; backoffMaxMs: number; failingRetryMs: number; minPollIntervalSeconds: number;
    // Within a run: retries of one vendor request after a 5xx or timeout, their first wait, and the longest 429
    // Retry-After waited in place (a longer one ends the run and the account polls again then).
    requestRetries: number; requestRetryBaseMs: number; retryAfterMaxMs: number;
    reconcileIntervalSeconds: number; reconcileWindowSeconds: number; // defaults for accounts that set none
  };
  simulator: 'auto' | 'on' | 'off';
  publicBaseUrl: string;
  // unknownPolicy: what becomes of a send cut off after its claim (a crash mid-SMTP): `resend` it once, automatically,
  // under the same Message-ID, or `hold` it as `unknown` for the operator.
  digests: { sendConcurrency: number; retryLimit: number; retryDelaySeconds: number; leaseSeconds: number; recoverAfterSeconds: number; unknownPolicy: UnknownPolicy };
  // Operator-supplied templates compile and render in worker threads; a task past taskTimeoutMs ends its worker.
  templates: { workerThreads: number; taskTimeoutMs: number; queueLimit: number };
  brands: { defaultSenderEmail: string }; // From address of a brand until the operator sets its own
  // retrySchedule: seconds to wait after the 1st, 2nd, … failed attempt; after the last one the delivery is dead.
  // rateWindowSeconds: the length of a destination rate limit's "minute" (60; shorter only in tests).
  deliveries: { retrySchedule: number[]; sendConcurrency: number; sendBatch: number; leaseSeconds: number; interruptedPolicy: UnknownPolicy; rateWindowSeconds: number; countersWindowSeconds: number };
  // A destination with no success for autoDisableSeconds and at least autoDisableMinFailures failed attempts since is
  // disabled (reason failing_since) and the operator told.
  destinationHealth: { autoDisableSeconds: number; autoDisableMinFailures: number };
  // The environment as read at start, for `env:NAME` secret references (SecretBox) only, as envReferences allows.
  env: Readonly<Record<string, string | undefined>>;
  envReferences: EnvReferenceRules; // ENV_REFERENCE_GRANTS, and the names read here (never resolvable)
}

export class ConfigError extends Error {}

export const UNKNOWN_POLICIES = ['resend', 'hold'] as const;
export type UnknownPolicy = (typeof UNKNOWN_POLICIES)[number];

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, def: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

// A size as people write it ("2mb", "512kb", "1048576"); k/m/g are powers of 1024, as Express's body-parser read them.
function byteSize(env: Env, name: string, def: string): { text: string; bytes: number } {
  const text = env[name] || def;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!m) throw new ConfigError(`${name} must be a size such as 512kb or 2mb, got "${text}"`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  const bytes = Math.floor(Number(m[1]) * unit);
  if (bytes < 1) throw new ConfigError(`${name} must be at least 1 byte, got "${text}"`);
  return { text, bytes };
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return def;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], def: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

// TRUST_PROXY: off (default), a number of proxy hops, or the proxies' addresses/CIDRs, comma-separated. "true" trusts
// any X-Forwarded-For, which lets a client pick its own address: only behind a proxy that overwrites the header.
function trustProxy(env: Env): boolean | number | string {
  const raw = str(env, 'TRUST_PROXY');
  if (!raw || ['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  if (['true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

// OUTBOUND_ALLOW_PRIVATE=true opened every address, cloud metadata included; it is gone rather than kept as an alias,
// and refusing to start says so instead of quietly blocking what it used to allow.
function outboundAllowHosts(env: Env): OutboundAllowList {
  if (bool(env, 'OUTBOUND_ALLOW_PRIVATE', false)) {
    throw new ConfigError('OUTBOUND_ALLOW_PRIVATE was replaced by OUTBOUND_ALLOW_HOSTS: list the hosts and CIDRs outbound HTTP may reach (e.g. OUTBOUND_ALLOW_HOSTS=vendor.internal,10.20.0.0/16) and remove OUTBOUND_ALLOW_PRIVATE');
  }
  try {
    return parseOutboundAllowList(str(env, 'OUTBOUND_ALLOW_HOSTS'));
  } catch (err) {
    throw new ConfigError(`OUTBOUND_ALLOW_HOSTS: ${(err as Error).message}`);
  }
}

function str(env: Env, name: string): string | null {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? null : raw.trim();
}

function seconds(env: Env, name: string, def: number[]): number[] {
  const raw = str(env, name);
  if (!raw) return def;
  const parts = raw.split(',').map((p) => Number(p.trim()));
  if (!parts.length || parts.length > 50 || parts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new ConfigError(`${name} must be a comma-separated list of up to 50 whole seconds ≥ 1, got "${raw}"`);
  }
  return parts;
}

function roles(env: Env): Set<Role> {
  const raw = str(env, 'HOSTDIGEST_ROLES');
  if (!raw) return new Set(ROLES);
  const parts = raw.split(',').map((r) => r.trim()).filter(Boolean);
  for (const p of parts) {
    if (!(ROLES as readonly string[]).includes(p)) {
      throw new ConfigError(`HOSTDIGEST_ROLES: unknown role "${p}" (known: ${ROLES.join(', ')})`);
    }
  }
  return new Set(parts as Role[]);
}

export function loadConfig(source: Env = process.env): AppConfig {
  // Every name read here is one of the service's own settings: recorded, so that no env:NAME reference can resolve it.
  const read = new Set<string>();
  const env = new Proxy(source, { get: (target, name) => (typeof name === 'string' && read.add(name), target[name as string]) });
  const dataDir = resolve(str(env, 'DATA_DIR') ?? './var');
  const bodyLimit = byteSize(env, 'BODY_LIMIT', '2mb');
  const port = int(env, 'PORT', 3000, 0, 65535);
  const adminKey = str(env, 'HOSTDIGEST_ADMIN_KEY');
  if (adminKey && adminKey.length < 24) {
    throw new ConfigError('HOSTDIGEST_ADMIN_KEY must be at least 24 characters');
  }
  const unknownPolicy = oneOf(env, 'DIGEST_UNKNOWN_POLICY', UNKNOWN_POLICIES, 'resend');
  const config = Object.assign(new AppConfig(), {
    port,
    host: str(env, 'HOST') ?? '127.0.0.1', // this machine only; the Docker image sets 0.0.0.0
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: oneOf(env, 'LOG_FORMAT', LOG_FORMATS, 'auto'),
    roles: roles(env),
    dataDir,
    database: {
      url: str(env, 'DATABASE_URL'),
      embeddedPort: int(env, 'EMBEDDED_PG_PORT', 54329, 1, 65535),
      embeddedDir: resolve(dataDir, 'postgres'),
      runMigrations: bool(env, 'MIGRATIONS_RUN', true),
      poolSize: int(env, 'DB_POOL_SIZE', 10, 1, 200),
    },
    jobs: {
      schema: str(env, 'JOBS_SCHEMA') ?? 'pgboss',
      pollingIntervalSeconds: int(env, 'JOBS_POLL_SECONDS', 1, 1, 60),
      shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 30000, 0),
    },
    auth: {
      bootstrapAdminKey: adminKey,
      rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 600, 1),
      failuresPerMinute: int(env, 'AUTH_FAILURES_PER_MINUTE', 20, 1),
    },
    secrets: { key: str(env, 'HOSTDIGEST_SECRET_KEY'), keyFile: resolve(dataDir, 'secret.key') },
    http: {
      bodyLimit: bodyLimit.text,
      bodyLimitBytes: bodyLimit.bytes,
      outboundTimeoutMs: int(env, 'OUTBOUND_TIMEOUT_MS', 10000, 100),
      outboundAllowHosts: outboundAllowHosts(env),
      trustProxy: trustProxy(env),
    },
    smtpUrl: str(env, 'SMTP_URL'),
    outboxDir: resolve(dataDir, 'outbox'),
    events: { retentionDays: int(env, 'EVENT_RETENTION_DAYS', 400, 1) },
    vendors: {
      pollTimeBudgetMs: int(env, 'POLL_TIME_BUDGET_MS', 120_000, 100),
      backoffBaseMs: int(env, 'POLL_BACKOFF_BASE_MS', 10_000, 10),
      backoffMaxMs: int(env, 'POLL_BACKOFF_MAX_MS', 30 * 60_000, 10),
      failingRetryMs: int(env, 'POLL_FAILING_RETRY_MS', 6 * 3600_000, 10),
      minPollIntervalSeconds: int(env, 'POLL_MIN_INTERVAL_SECONDS', 60, 1),
      requestRetries: int(env, 'POLL_REQUEST_RETRIES', 4, 0, 20),
      requestRetryBaseMs: int(env, 'POLL_REQUEST_RETRY_BASE_MS', 1000, 1),
      retryAfterMaxMs: int(env, 'POLL_RETRY_AFTER_MAX_MS', 60_000, 0),
      reconcileIntervalSeconds: int(env, 'RECONCILE_INTERVAL_SECONDS', 6 * 3600, 1),
      reconcileWindowSeconds: int(env, 'RECONCILE_WINDOW_SECONDS', 7 * 86_400, 60),
    },
    simulator: oneOf(env, 'HOSTDIGEST_SIMULATOR', ['auto', 'on', 'off'] as const, 'auto'),
    publicBaseUrl: (str(env, 'PUBLIC_BASE_URL') ?? `http://localhost:${port}`).replace(/\/$/, ''),
    digests: {
      sendConcurrency: int(env, 'DIGEST_SEND_CONCURRENCY', 8, 1, 64),
      retryLimit: int(env, 'DIGEST_RETRY_LIMIT', 8, 0, 100),
      retryDelaySeconds: int(env, 'DIGEST_RETRY_DELAY_SECONDS', 30, 1),
      leaseSeconds: int(env, 'DIGEST_LEASE_SECONDS', 300, 5),
      recoverAfterSeconds: int(env, 'DIGEST_RECOVER_AFTER_SECONDS', 600, 5),
      unknownPolicy,
    },
    templates: {
      workerThreads: int(env, 'TEMPLATE_WORKER_THREADS', 2, 1, 64),
      taskTimeoutMs: int(env, 'TEMPLATE_TASK_TIMEOUT_MS', 5000, 100, 600_000),
      queueLimit: int(env, 'TEMPLATE_QUEUE_LIMIT', 100, 1, 100_000),
    },
    brands: { defaultSenderEmail: str(env, 'DEFAULT_SENDER_EMAIL') ?? 'no-reply@localhost' },
    deliveries: {
      retrySchedule: seconds(env, 'DELIVERY_RETRY_SCHEDULE', [60, 300, 1800, 7200, 21600, 43200]),
      sendConcurrency: int(env, 'DELIVERY_SEND_CONCURRENCY', 4, 1, 64),
      // send jobs a worker takes at once: read, claimed and recorded with one statement each, sent concurrently
      sendBatch: int(env, 'DELIVERY_SEND_BATCH', 20, 1, 200),
      leaseSeconds: int(env, 'DELIVERY_LEASE_SECONDS', 120, 5),
      interruptedPolicy: oneOf(env, 'DELIVERY_INTERRUPTED_POLICY', UNKNOWN_POLICIES, unknownPolicy),
      rateWindowSeconds: int(env, 'DELIVERY_RATE_WINDOW_SECONDS', 60, 1, 3600),
      // portal.counters: at most one message per customer per this window (a minute; tests shorten it)
      countersWindowSeconds: int(env, 'PORTAL_COUNTERS_WINDOW_SECONDS', 60, 1, 3600),
    },
    destinationHealth: {
      autoDisableSeconds: int(env, 'DESTINATION_AUTO_DISABLE_SECONDS', 5 * 24 * 3600, 1),
      autoDisableMinFailures: int(env, 'DESTINATION_AUTO_DISABLE_MIN_FAILURES', 10, 1),
    },
    env: { ...source },
  });
  try {
    config.envReferences = parseEnvReferenceGrants(str(env, 'ENV_REFERENCE_GRANTS'), read); // last: `read` is complete
  } catch (err) {
    throw new ConfigError(`ENV_REFERENCE_GRANTS: ${(err as Error).message}`);
  }
  return config;
}
