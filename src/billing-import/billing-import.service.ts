import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Principal } from '../api-keys/api-keys.service';
import { AppConfig } from '../config/app-config';
import { CustomerImportService, ImportReport } from '../customers/customer-import.service';
import { isUniqueViolation } from '../customers/customers.service';
import { Database } from '../db/database';
import { BillingApiError } from '../destinations/billing/billing-api-error';
import { blestaCredentials, whmcsCredentials } from '../destinations/billing/billing.destination';
import { DestinationsService } from '../destinations/destinations.service';
import { ConflictError, NotFoundError, ValidationError } from '../errors/domain-error';
import { HttpClient } from '../http/http-client';
import { defineJob, done, failed, HOUSEKEEPING_POLL_SECONDS, JobContext, JobHandler, JobResult, skipped } from '../jobs/job';
import { JobEngine } from '../jobs/job-engine';
import { BILLING_COLUMNS, billingRows, BillingSystem } from './billing-records';
import { blestaSnapshot, PageProgress, whmcsSnapshot } from './billing-sources';
import { BillingImportRun, emptyTotals, ImportTotals, RUN_COLUMNS } from './billing-import-run';

const MAX_LISTED = 1000; // rejected and skipped records kept in a run's report
const RETRIES = 3;

interface RunJob {
  runId: string;
}

// Customers from a billing system: a run per destination at a time, queued by the API or the daily schedule and run
// by the job engine. A run reads every client, service and domain (billing-sources.ts), turns them into the CSV
// import's rows (billing-records.ts) and writes them through the same planner, some hundred clients per transaction,
// with its progress in the same transaction: a run cut off (a crash, a deploy) is taken up again by the engine and
// writes on from where it stopped, and since rows are matched by external_ref ({system}:{client id}) and site, a
// second run updates what changed and creates nothing twice.
@Injectable()
export class BillingImportService implements JobHandler<RunJob>, OnModuleInit {
  private readonly logger = new Logger('BillingImport');
  readonly job = defineJob<RunJob>('billing-import.run', { retryLimit: RETRIES, retryDelaySeconds: 30, retryBackoff: true, concurrency: 1, expireInSeconds: 60 * 60 });
  readonly daily = defineJob<Record<string, never>>('billing-import.daily', { retryLimit: 1, concurrency: 1, pollSeconds: HOUSEKEEPING_POLL_SECONDS });
  // Every few minutes: runs whose worker vanished (a crash or kill mid-run) are queued again, to resume.
  readonly sweep = defineJob<Record<string, never>>('billing-import.sweep', { retryLimit: 1, concurrency: 1, pollSeconds: HOUSEKEEPING_POLL_SECONDS });

  constructor(
    private readonly db: Database,
    private readonly jobs: JobEngine,
    private readonly destinations: DestinationsService,
    private readonly customers: CustomerImportService,
    private readonly http: HttpClient,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register(this.job, this);
    this.jobs.register(this.daily, { handle: () => this.queueDaily() });
    this.jobs.schedule(this.daily, '15 3 * * *', {});
    this.jobs.register(this.sweep, { handle: () => this.resumeAbandoned() });
    this.jobs.schedule(this.sweep, '*/5 * * * *', {});
  }

  // Runs in progress that no worker holds (its advisory lock is free): the worker died. Queued again; the run writes
  // on after its last committed lot.
  async resumeAbandoned(): Promise<JobResult> {
    const running = await this.db.rows<{ id: string }>(`SELECT id FROM billing_imports WHERE status IN ('fetching', 'writing')`, []);
    const runner = this.db.dataSource.createQueryRunner();
    await runner.connect();
    const resumed: string[] = [];
    try {
      for (const { id } of running) {
        const [{ free }] = await runner.query(`SELECT pg_try_advisory_lock(hashtext('billing-import'), hashtext($1)) AS free`, [id]);
        if (!free) continue;
        await runner.query(`SELECT pg_advisory_unlock(hashtext('billing-import'), hashtext($1))`, [id]);
        await this.jobs.send(this.job, { runId: id }, { dedupeKey: `${id}:resume:${Math.floor(Date.now() / 60_000)}` });
        resumed.push(id);
      }
    } finally {
      await runner.release();
    }
    if (resumed.length) this.logger.warn(`billing import(s) ${resumed.join(', ')} were cut off mid-run: resuming`);
    return done({ resumed: resumed.length });
  }

  async start(caller: Principal, system: BillingSystem, destinationId: string | undefined, trigger = 'api'): Promise<BillingImportRun> {
    if (!destinationId) throw new ValidationError('destinationId', `destinationId is required: the ${system} destination whose credentials the import uses`);
    const d = await this.destinations.get(caller.organizationId, destinationId).catch(() => null);
    if (!d) throw new NotFoundError('destination', destinationId);
    if (d.kind !== system) throw new ValidationError('destinationId', `destination ${destinationId} is a ${d.kind} destination, not ${system}`);
    const run = await this.queue(caller.organizationId, system, destinationId, trigger, caller.keyId ?? null);
    if (!run) {
      const [running] = await this.db.rows<{ id: string }>(
        `SELECT id FROM billing_imports WHERE destination_id = $1 AND status IN ('queued', 'fetching', 'writing')`, [destinationId]);
      throw new ConflictError('import_running', `an import from this destination is already running: ${running?.id ?? 'just finished, try again'}`, 'destinationId');
    }
    return run;
  }

  async get(organizationId: string, id: string): Promise<BillingImportRun> {
    const [run] = await this.db.rows<BillingImportRun>(`SELECT ${RUN_COLUMNS} FROM billing_imports WHERE id = $1 AND organization_id = $2`, [id, organizationId]);
    if (!run) throw new NotFoundError('import', id);
    return run;
  }

  async list(organizationId: string, limit = 50): Promise<BillingImportRun[]> {
    return this.db.rows<BillingImportRun>(`SELECT ${RUN_COLUMNS} FROM billing_imports WHERE organization_id = $1 ORDER BY created_at DESC, id LIMIT $2`, [organizationId, limit]);
  }

  // The run row and its job in one transaction; null when the destination has a run going already.
  private async queue(organizationId: string, system: string, destinationId: string, trigger: string, requestedBy: string | null): Promise<BillingImportRun | null> {
    try {
      return await this.db.transaction(async (em) => {
        const [run]: BillingImportRun[] = await em.query(
          `INSERT INTO billing_imports (organization_id, destination_id, system, trigger, requested_by, progress)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${RUN_COLUMNS}`,
          [organizationId, destinationId, system, trigger, requestedBy, JSON.stringify({ written: 0 })],
        );
        await this.jobs.send(this.job, { runId: run.id }, { dedupeKey: run.id, tx: em });
        return run;
      });
    } catch (err) {
      if (isUniqueViolation(err, 'billing_imports_one_running')) return null;
      throw err;
    }
  }

  // Every day: a run for each enabled billing destination that asks for it (importDaily), skipped where one runs.
  private async queueDaily(): Promise<JobResult> {
    const due = await this.db.rows<{ id: string; organizationId: string; kind: string }>(
      `SELECT id, organization_id AS "organizationId", kind FROM destinations
       WHERE kind IN ('whmcs', 'blesta') AND state = 'enabled' AND (config->>'importDaily')::boolean IS TRUE`, []);
    let queued = 0;
    for (const d of due) if (await this.queue(d.organizationId, d.kind, d.id, 'daily', null)) queued++;
    return done({ queued, destinations: due.length });
  }

  async handle({ runId }: RunJob, ctx: JobContext<RunJob>): Promise<JobResult> {
    const runner = this.db.dataSource.createQueryRunner();
    await runner.connect();
    try {
      // One replica at a time per run (the engine may hand a retried run out while the first worker still holds it).
      const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock(hashtext('billing-import'), hashtext($1)) AS locked`, [runId]);
      if (!locked) return skipped('another worker runs this import');
      try {
        return await this.run(runId, ctx);
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext('billing-import'), hashtext($1))`, [runId]);
      }
    } finally {
      await runner.release();
    }
  }

  private async run(runId: string, ctx: JobContext<RunJob>): Promise<JobResult> {
    const [run] = await this.db.rows<BillingImportRun & { destinationId: string | null }>(`SELECT ${RUN_COLUMNS} FROM billing_imports WHERE id = $1`, [runId]);
    if (!run || run.status === 'done' || run.status === 'failed') return skipped(`import ${runId} is ${run?.status ?? 'gone'}`);
    try {
      const target = run.destinationId ? await this.destinations.target(run.destinationId, run.organizationId) : null;
      if (!target) return this.fail(runId, 'the destination was deleted');
      await this.db.dataSource.query(`UPDATE billing_imports SET status = 'fetching', started_at = coalesce(started_at, now()) WHERE id = $1`, [runId]);
      const progress = this.progressWriter(runId);
      const snapshot = run.system === 'whmcs'
        ? await whmcsSnapshot(this.http, whmcsCredentials(target), progress)
        : await blestaSnapshot(this.http, blestaCredentials(target), progress);
      await progress.flush();
      return await this.write(run, billingRows(snapshot, typeof target.config.customerRefPrefix === 'string' ? target.config.customerRefPrefix : run.system));
    } catch (err) {
      const permanent = err instanceof BillingApiError && err.failure !== 'transient';
      if (permanent || ctx.attempt >= RETRIES) return this.fail(runId, (err as Error).message);
      this.logger.warn(`import ${runId}: ${(err as Error).message}; the engine tries again`);
      await this.db.dataSource.query(`UPDATE billing_imports SET error = $2 WHERE id = $1`, [runId, (err as Error).message.slice(0, 1000)]);
      throw err;
    }
  }

  // Rows of whole clients, BILLING_IMPORT_CLIENTS_PER_WRITE at a time; the progress (rows written, totals so far) committed with each
  // lot, so that a run taken up again starts after the last lot written.
  private async write(run: BillingImportRun, b: ReturnType<typeof billingRows>): Promise<JobResult> {
    const lots = lotsByClient(b.rows, this.config.billingImport.clientsPerWrite);
    const startAt = Number(run.progress.written ?? 0);
    let totals: ImportTotals = { ...emptyTotals(), ...(run.progress.totals as ImportTotals | undefined) };
    let written = 0;
    await this.db.dataSource.query(`UPDATE billing_imports SET status = 'writing', progress = progress || $2::jsonb WHERE id = $1`,
      [run.id, JSON.stringify({ rows: b.rows.length })]);
    for (const lot of lots) {
      written += lot.length;
      if (written <= startAt) continue; // written before the run was cut off
      await this.customers.importRows(run.organizationId, lot, BILLING_COLUMNS, 'per-row', async (em: EntityManager, r: ImportReport) => {
        totals = addUp(totals, r, b.records);
        await em.query(`UPDATE billing_imports SET progress = progress || $2::jsonb WHERE id = $1`, [run.id, JSON.stringify({ written, totals })]);
      });
    }
    const report = { ...totals, skipped: b.skipped.slice(0, MAX_LISTED), skippedCount: b.skipped.length };
    await this.db.dataSource.query(`UPDATE billing_imports SET status = 'done', report = $2, error = NULL, finished_at = now() WHERE id = $1`, [run.id, JSON.stringify(report)]);
    return done({ created: totals.created, updated: totals.updated, unchanged: totals.unchanged, rejected: totals.rejectedCount });
  }

  private async fail(runId: string, error: string): Promise<JobResult> {
    await this.db.dataSource.query(`UPDATE billing_imports SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [runId, error.slice(0, 1000)]);
    this.logger.warn(`import ${runId} failed: ${error}`);
    return failed(error);
  }

  // Fetch progress as the pages come, written at most twice a second (and once at the end).
  private progressWriter(runId: string): PageProgress & { flush: () => Promise<void> } {
    const lists: Record<string, { fetched: number; total: number | null }> = {};
    let last = 0;
    const save = () => this.db.dataSource.query(`UPDATE billing_imports SET progress = progress || $2::jsonb WHERE id = $1`, [runId, JSON.stringify({ fetched: lists })]);
    const fn = (async (list, fetched, total) => {
      lists[list] = { fetched, total };
      if (Date.now() - last < 500) return;
      last = Date.now();
      await save();
    }) as PageProgress & { flush: () => Promise<void> };
    fn.flush = async () => void (await save());
    return fn;
  }
}

// The rows split into lots of whole clients (a client's rows are adjacent, see billingRows).
function lotsByClient<T>(rows: T[], perLot: number): T[][] {
  const ref = (r: T) => (Array.isArray(r) ? null : (r as { externalRef: string }).externalRef);
  const lots: T[][] = [];
  let lot: T[] = [];
  let clients = 0;
  let prev: string | null = null;
  for (const r of rows) {
    const k = ref(r);
    if (k !== prev) {
      clients++;
      prev = k;
      if (clients > perLot && lot.length) {
        lots.push(lot);
        lot = [];
        clients = 1;
      }
    }
    lot.push(r);
  }
  if (lot.length) lots.push(lot);
  return lots;
}

function addUp(t: ImportTotals, r: ImportReport, records: Map<number, string>): ImportTotals {
  const rejected = [...t.rejected, ...r.rejected.map((x) => ({ record: records.get(x.line) ?? `row ${x.line}`, field: x.field, reason: x.reason }))];
  return {
    created: t.created + r.created, updated: t.updated + r.updated, unchanged: t.unchanged + r.unchanged,
    sitesCreated: t.sitesCreated + r.sitesCreated, sitesUpdated: t.sitesUpdated + r.sitesUpdated, sitesUnchanged: t.sitesUnchanged + r.sitesUnchanged,
    rejected: rejected.slice(0, MAX_LISTED), rejectedCount: t.rejectedCount + r.rejected.length,
  };
}
