import { createHash } from 'node:crypto';

// One way to define a job: a name, a typed payload, queue options, and one handler class with handle().
export interface JobType<P> {
  readonly name: string;
  // 'stately' = at most one queued and one running per singleton key (e.g. one poll per vendor account).
  readonly policy: 'standard' | 'stately' | 'singleton';
  readonly retryLimit: number;
  readonly retryDelaySeconds: number;
  readonly retryBackoff: boolean;
  readonly expireInSeconds: number;
  readonly concurrency: number;
  // Jobs a worker fetches at once and runs one after another: one fetch and one completion statement for all of
  // them instead of one each. Each job still succeeds or fails (and is retried) on its own.
  readonly batchSize: number;
  // How often an idle worker asks for work, at least JOBS_POLL_SECONDS. Every poll of every worker is a query;
  // housekeeping that a cron starts can wait a few seconds for it.
  readonly pollSeconds?: number;
  readonly _payload?: P; // type carrier only
}

// Cron-started housekeeping (purges, sweeps, the schedulers): looked for every 10 s when idle, not every second.
export const HOUSEKEEPING_POLL_SECONDS = 10;

export function defineJob<P>(name: string, opts: Partial<Omit<JobType<P>, 'name' | '_payload'>> = {}): JobType<P> {
  return {
    name,
    policy: opts.policy ?? 'standard',
    retryLimit: opts.retryLimit ?? 5,
    retryDelaySeconds: opts.retryDelaySeconds ?? 5,
    retryBackoff: opts.retryBackoff ?? true,
    expireInSeconds: opts.expireInSeconds ?? 15 * 60,
    concurrency: opts.concurrency ?? 2,
    batchSize: opts.batchSize ?? 1,
    pollSeconds: opts.pollSeconds,
  };
}

// What a run was. `retry` and `failed` are failures the handler has recorded itself (on its own row, with its own
// retry scheduled, or given up): the job is completed, not retried by the engine, but counted as what it was.
export type JobResult =
  | { status: 'done'; detail?: Record<string, unknown> }
  | { status: 'skipped'; reason: string }
  | { status: 'retry'; reason: string; detail?: Record<string, unknown> }
  | { status: 'failed'; reason: string; detail?: Record<string, unknown> };
export const done = (detail?: Record<string, unknown>): JobResult => ({ status: 'done', detail });
export const skipped = (reason: string): JobResult => ({ status: 'skipped', reason });
// Failed this time; the handler has scheduled the next try (a vendor backoff, a delivery's retry schedule).
export const retry = (reason: string, detail?: Record<string, unknown>): JobResult => ({ status: 'retry', reason, detail });
// Failed for good, or until an operator acts (a permanent SMTP refusal, retries used up, bad credentials).
export const failed = (reason: string, detail?: Record<string, unknown>): JobResult => ({ status: 'failed', reason, detail });

// The `result` label of hostdigest_jobs_total. A handler that threw is retried by the engine while attempts remain
// (`retry`) and is `failed` after the last one; `attempt` counts from 0, so the last of retryLimit retries is retryLimit.
export type JobOutcomeLabel = 'done' | 'skipped' | 'retry' | 'failed';
export function jobOutcomeLabel(run: { result: JobResult } | { thrown: true; attempt: number; retryLimit: number }): JobOutcomeLabel {
  if ('result' in run) return run.result.status;
  return run.attempt < run.retryLimit ? 'retry' : 'failed';
}

export interface JobContext<P = unknown> {
  jobId: string;
  attempt: number; // 0 on the first run
  signal: AbortSignal; // aborted when the service is shutting down
  batch: readonly P[]; // the payloads this worker fetched together with this one (itself included), run in order
}

// Throw (never catch-and-log) to have the engine retry with backoff; return skipped() on purpose.
export interface JobHandler<P> {
  handle(payload: P, ctx: JobContext<P>): Promise<JobResult>;
  // Optional, for a queue with batchSize > 1 whose jobs are cheaper together (one statement for many rows): the
  // whole batch at once, a result per payload in the same order. A throw fails (and retries) every job of the batch.
  handleBatch?(payloads: P[], ctx: Omit<JobContext<P>, 'jobId' | 'attempt'>): Promise<JobResult[]>;
}

// A job id derived from a dedupe key: the engine inserts with ON CONFLICT DO NOTHING, so a second send with the same
// key while the first job is still stored (queued, running or recently finished) is dropped. Durable exactly-once
// (e.g. one digest per period) is a unique key in the feature's own table, not this.
export function dedupeJobId(name: string, key: string): string {
  const h = createHash('sha256').update(`${name}\u0000${key}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50; // version 5-style
  h[8] = (h[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
