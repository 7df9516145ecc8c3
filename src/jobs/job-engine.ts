import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import PgBoss from 'pg-boss';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ADVISORY_LOCKS } from '../db/advisory-locks';
import { Database } from '../db/database';
import { Metrics } from '../metrics/metrics';
import { dedupeJobId, JobHandler, jobOutcomeLabel, JobResult, JobType } from './job';
import { JobWakeups, wake } from './job-wakeups';
import { QueueStatistics } from './queue-statistics';

export interface SendOptions {
  dedupeKey?: string; // see dedupeJobId
  singletonKey?: string; // for stately/singleton queues: the unit that runs one at a time
  startAfter?: Date | number; // a date, or seconds from now
  tx?: EntityManager; // enqueue inside the caller's transaction: the job exists if and only if the change commits
}

interface Registration {
  type: JobType<unknown>;
  handler: JobHandler<unknown>;
}

// The one job mechanism: pg-boss on the service's PostgreSQL. Features register handlers in onModuleInit; workers
// start at bootstrap when this replica has the worker role; cron schedules fire once across all replicas.
@Injectable()
export class JobEngine implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly boss: PgBoss;
  private readonly registrations = new Map<string, Registration>();
  private readonly schedules: { name: string; cron: string; payload: object; tz: string }[] = [];
  private readonly shutdown = new AbortController();
  private started: Promise<void> | null = null;
  private readonly lateActivations = new Map<string, Promise<void>>();
  private readonly statistics: QueueStatistics;
  private readonly wakeups: JobWakeups;

  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly metrics: Metrics,
  ) {
    this.boss = new PgBoss({
      connectionString: db.url,
      schema: config.jobs.schema,
      max: 4,
      application_name: 'hostdigest-jobs',
      schedule: config.roles.has('scheduler'),
      supervise: config.roles.has('scheduler') || config.roles.has('worker'),
    });
    this.boss.on('error', (err) => this.logger.error(`job engine error: ${err.message}`));
    this.wakeups = new JobWakeups(db.url);
    this.statistics = new QueueStatistics(db, config.jobs.schema);
  }

  register<P>(type: JobType<P>, handler: JobHandler<P>): void {
    if (this.registrations.has(type.name)) throw new Error(`job ${type.name} registered twice`);
    const reg = { type, handler } as Registration;
    this.registrations.set(type.name, reg);
    // Registered after boot (a feature initialised late, or a test): activate it now.
    if (this.started) {
      const activation = this.started.then(() => this.activate(reg));
      this.lateActivations.set(type.name, activation);
      activation.catch((err) => this.logger.error(`job ${type.name}: ${err.message}`));
    }
  }

  // Cron in the given time zone; re-registering the same name replaces the schedule (pg-boss keys it by name).
  schedule<P extends object>(type: JobType<P>, cron: string, payload: P, tz = 'UTC'): void {
    this.schedules.push({ name: type.name, cron, payload, tz });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  start(): Promise<void> {
    this.started ??= this.boot();
    return this.started;
  }

  private async boot(): Promise<void> {
    await this.boss.start();
    await this.db.withAdvisoryLock(ADVISORY_LOCKS.jobQueues, () => this.statistics.ensureFetchIndex());
    if (this.config.roles.has('worker')) await this.wakeups.start();
    for (const reg of this.registrations.values()) await this.activate(reg);
    if (this.config.roles.has('scheduler')) {
      for (const s of this.schedules) await this.boss.schedule(s.name, s.cron, s.payload, { tz: s.tz });
    }
  }

  private async activate(reg: Registration): Promise<void> {
    await this.ensureQueue(reg.type);
    if (this.config.roles.has('worker')) await this.startWorkers(reg);
  }

  // pg-boss creates a table per queue; two replicas creating the same queue at once deadlock, so take turns.
  private async ensureQueue(type: JobType<unknown>): Promise<void> {
    await this.db.withAdvisoryLock(ADVISORY_LOCKS.jobQueues, () => this.createOrUpdateQueue(type));
  }

  private async createOrUpdateQueue(type: JobType<unknown>): Promise<void> {
    const opts = {
      name: type.name,
      policy: type.policy,
      retryLimit: type.retryLimit,
      retryDelay: type.retryDelaySeconds,
      retryBackoff: type.retryBackoff,
      expireInSeconds: type.expireInSeconds,
    };
    await this.boss.createQueue(type.name, opts);
    await this.boss.updateQueue(type.name, opts);
  }

  private async startWorkers(reg: Registration): Promise<void> {
    const { type } = reg;
    const pollingIntervalSeconds = Math.max(type.pollSeconds ?? 0, this.config.jobs.pollingIntervalSeconds);
    const options = { pollingIntervalSeconds, batchSize: type.batchSize, includeMetadata: true as const };
    for (let i = 0; i < type.concurrency; i++) {
      let workerId: string | undefined;
      workerId = await this.boss.work<unknown>(type.name, options, async (jobs) => {
        // pg-boss 10 waits out the polling interval even after a fetch that found a job; a busy queue would run
        // at one job per worker per interval. Notified, the worker fetches again at once (idle: it still waits).
        if (workerId) this.boss.notifyWorker(workerId);
        const batch = jobs.map((j) => j.data);
        if (jobs.length === 1) return this.run(reg, jobs[0], batch);
        if (reg.handler.handleBatch) return this.runBatch(reg, jobs);
        // A batch: a job that fails is failed (and retried) by itself; pg-boss then completes the others in one
        // statement, which touches every job of the batch that is active. So the failures are recorded only once
        // the whole batch has run: failed at once, a job could be retried and fetched by another worker (active
        // again) before this batch ended, and this batch's completion then marked that retry completed while it
        // ran, so that its own failure was dropped and the job never retried again (digests left `failed` for
        // good in an SMTP outage). Retries start at least a second later (retryDelaySeconds ≥ 1).
        const failed: { id: string; err: unknown }[] = [];
        for (const job of jobs) {
          try {
            await this.run(reg, job, batch);
          } catch (err) {
            failed.push({ id: job.id, err });
          }
        }
        for (const f of failed) await this.boss.fail(type.name, f.id, f.err as object);
        return undefined;
      });
      const id = workerId;
      if (wakesOnSend(type)) this.wakeups.on(type.name, () => this.boss.notifyWorker(id));
    }
  }

  // A batch handed to the handler at once. Its results are counted per job; if it throws, every job of the batch
  // is failed (after the batch, as above) and retried by the engine.
  private async runBatch({ type, handler }: Registration, jobs: PgBoss.JobWithMetadata<unknown>[]): Promise<undefined> {
    const stop = this.metrics.jobDuration.startTimer({ job: type.name });
    const batch = jobs.map((j) => j.data);
    let results: JobResult[];
    try {
      results = await handler.handleBatch!(batch, { signal: this.shutdown.signal, batch });
    } catch (err) {
      this.logger.warn(`${type.name}: a batch of ${jobs.length} failed: ${(err as Error).message}`);
      for (const job of jobs) {
        const retryLimit = job.retryLimit ?? type.retryLimit;
        this.metrics.jobsTotal.inc({ job: type.name, result: jobOutcomeLabel({ thrown: true, attempt: job.retryCount, retryLimit }) });
        await this.boss.fail(type.name, job.id, err as object);
      }
      return undefined;
    } finally {
      stop();
    }
    for (const result of results) {
      this.metrics.jobsTotal.inc({ job: type.name, result: jobOutcomeLabel({ result }) });
      if (result.status !== 'done') this.logger.debug(`${type.name} ${result.status}: ${result.reason}`);
    }
    return undefined;
  }

  private async run({ type, handler }: Registration, job: PgBoss.JobWithMetadata<unknown>, batch: unknown[]): Promise<JobResult> {
    const stop = this.metrics.jobDuration.startTimer({ job: type.name });
    try {
      const result = await handler.handle(job.data, { jobId: job.id, attempt: job.retryCount, signal: this.shutdown.signal, batch });
      this.metrics.jobsTotal.inc({ job: type.name, result: jobOutcomeLabel({ result }) });
      if (result.status !== 'done') this.logger.debug(`${type.name} ${job.id} ${result.status}: ${result.reason}`);
      return result;
    } catch (err) {
      // pg-boss's own count of the job's retries, as the queue had it when the job was sent.
      const retryLimit = job.retryLimit ?? type.retryLimit;
      this.metrics.jobsTotal.inc({ job: type.name, result: jobOutcomeLabel({ thrown: true, attempt: job.retryCount, retryLimit }) });
      this.logger.warn(`${type.name} ${job.id} attempt ${job.retryCount + 1} failed: ${(err as Error).message}`);
      throw err;
    } finally {
      stop();
    }
  }

  async send<P extends object>(type: JobType<P>, payload: P, opts: SendOptions = {}): Promise<string | null> {
    await this.start();
    await this.lateActivations.get(type.name); // the queue must exist before a job can be inserted
    const startAfter = typeof opts.startAfter === 'number' ? new Date(Date.now() + opts.startAfter * 1000) : opts.startAfter;
    const id = await this.boss.send(type.name, payload, {
      id: opts.dedupeKey ? dedupeJobId(type.name, opts.dedupeKey) : undefined,
      singletonKey: opts.singletonKey,
      startAfter,
      db: opts.tx ? inTransaction(opts.tx) : undefined,
    });
    if (id) await this.wakeFor(type, startAfter, opts.tx);
    return id;
  }

  // Idle workers of the queue, on every replica, fetch at once (at the commit of `tx`) instead of at their next poll.
  private async wakeFor(type: JobType<unknown>, startAfter: Date | undefined, tx?: EntityManager): Promise<void> {
    if (!wakesOnSend(type) || (startAfter && startAfter.getTime() > Date.now())) return;
    await wake(tx ?? this.db.dataSource, type.name);
  }

  // Brings the queued (not yet running) jobs of a stately queue's key forward to now, merging `patch` into their
  // payload: with one queued job per key, a second send() is dropped, and one scheduled for later (a backoff) would
  // otherwise keep an operator's "now" waiting. Resolves to whether there was such a job.
  async expedite<P extends object>(type: JobType<P>, singletonKey: string, patch: Partial<P> = {}): Promise<boolean> {
    await this.start();
    // Through a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count], which is never empty.
    const rows: unknown[] = await this.db.dataSource.query(
      `WITH moved AS (
         UPDATE "${this.config.jobs.schema}".job SET start_after = LEAST(start_after, now()), data = COALESCE(data, '{}'::jsonb) || $3::jsonb
         WHERE name = $1 AND singleton_key = $2 AND state < 'active' RETURNING id)
       SELECT id FROM moved`,
      [type.name, singletonKey, JSON.stringify(patch)],
    );
    return rows.length > 0;
  }

  // Many jobs of one type in one statement (a scheduler queuing thousands): send()'s dedupe and transaction rules.
  async sendMany<P extends object>(type: JobType<P>, jobs: { payload: P; dedupeKey?: string }[], opts: { tx?: EntityManager; startAfter?: Date } = {}): Promise<void> {
    if (!jobs.length) return;
    await this.start();
    await this.lateActivations.get(type.name);
    const rows = jobs.map((j) => ({
      name: type.name,
      data: j.payload,
      id: j.dedupeKey ? dedupeJobId(type.name, j.dedupeKey) : undefined,
      expireInSeconds: type.expireInSeconds,
      ...(opts.startAfter ? { startAfter: opts.startAfter } : {}),
    }));
    await this.boss.insert(rows, { db: opts.tx ? inTransaction(opts.tx) : undefined });
    await this.wakeFor(type, opts.startAfter, opts.tx);
    if (rows.length >= BULK_INSERT) await this.statistics.refresh(type.name, opts.tx);
  }

  async healthy(): Promise<boolean> {
    await this.start();
    const queues = await this.boss.getQueues();
    return Array.isArray(queues);
  }

  async queueSize(type: JobType<unknown>): Promise<number> {
    return this.boss.getQueueSize(type.name);
  }

  // Stop taking jobs and wait for running handlers (up to SHUTDOWN_TIMEOUT_MS) before the database pool closes.
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    await this.started.catch(() => undefined);
    const timeout = this.config.jobs.shutdownTimeoutMs;
    const abortLate = setTimeout(() => this.shutdown.abort(), Math.max(0, timeout - 2000));
    try {
      await this.wakeups.stop();
      await this.boss.stop({ graceful: true, wait: true, timeout, close: true });
    } finally {
      clearTimeout(abortLate);
    }
  }
}

// Housekeeping (a pollSeconds of its own) is started by cron and can wait for its poll; every other queue is woken.
const wakesOnSend = (type: JobType<unknown>) => type.pollSeconds === undefined;

const BULK_INSERT = 200; // jobs in one sendMany from which the queue's statistics are refreshed

function inTransaction(em: EntityManager): PgBoss.Db {
  return { executeSql: async (text, values) => ({ rows: await em.query(text, values) }) };
}
