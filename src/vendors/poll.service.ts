import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { Database } from '../db/database';
import { DomainError } from '../errors/domain-error';
import { EventStore } from '../events/event-store';
import { OutboundHttpError } from '../http/http-client';
import { JobEngine } from '../jobs/job-engine';
import { Metrics } from '../metrics/metrics';
import { POLL_VENDOR_ACCOUNT, queuePollNow } from './poll-jobs';
import { pollNotice } from './poll-notice';
import { pollErrorClass } from './poll-outcome';
import { readAhead } from './read-ahead';
import { afterFailedRun, PollFault } from './retry-schedule';
import { VendorAccount } from './vendor-account.entity';
import { VendorAccountStateChange, VendorAccountStateHooks } from './vendor-account-state-hooks';
import { VendorAccountsService } from './vendor-accounts.service';
import { ConnectorAccount, ConnectorPage, PollCursor, PollOptions, VendorConnector } from './vendor-connector';
import { VendorConnectors } from './vendor-connectors';
import { vendorFault } from './vendor-errors';

export type PollOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'done'; pages: number; inserted: number; rejected: number; more: boolean; reconciled: boolean }
  | { status: 'failed'; accountStatus: 'retrying' | 'failing'; error: string; retryInMs: number };

class LeaseLostError extends Error {}

// Records per commit: large enough that a statement's fixed cost is small per event (measured: 1,000 → 8.4k events/s,
// 2,500 → 12k events/s), small enough that a transaction stays short.
const COMMIT_RECORDS = 2500;
const COMMIT_INTERVAL_MS = 2000;
// Pages fetched ahead while a commit runs: about one commit's worth of Monarx pages, so the next commit's pages are
// already here when this one finishes (memory: that many pages).
const READ_AHEAD_PAGES = 25;

// Where a scan's progress is committed: the incremental cursor, or the cursor of a reconciliation pass in progress
// (which also counts what it stored: the events the incremental poll had missed).
type Scan =
  | { kind: 'incremental'; cursor: PollCursor | null; account: ConnectorAccount; opts: PollOptions }
  | { kind: 'reconcile'; cursor: PollCursor | null; account: ConnectorAccount; opts: PollOptions; startedAt: Date };

interface RunState {
  pages: number;
  inserted: number;
  rejected: number;
  progressed: boolean; // a cursor moved or something was stored: the run was not a failure, whatever ends it
}

// One poll run of one vendor account: lease the account, page through the connector from the stored cursor,
// commit each page's events together with the cursor that covers them, then (when due and caught up) continue a
// reconciliation pass over the recent window, stop on the time budget, and decide what a failure means for the
// account (back off, or mark it failing and stop hammering the vendor).
@Injectable()
export class PollService {
  private readonly logger = new Logger('Poll');

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly accounts: VendorAccountsService,
    private readonly connectors: VendorConnectors,
    private readonly jobs: JobEngine,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly stateHooks: VendorAccountStateHooks,
  ) {}

  async poll(vendorAccountId: string, opts: { force: boolean; signal: AbortSignal }): Promise<PollOutcome> {
    const budget = this.config.vendors.pollTimeBudgetMs;
    const token = randomUUID();
    // UPDATE through TypeORM answers [rows, affected].
    const [, leased]: [unknown[], number] = await this.db.dataSource.query(
      `UPDATE vendor_accounts SET lease_owner = $2, lease_until = now() + make_interval(secs => $3), last_attempt_at = now()
       WHERE id = $1 AND enabled AND (lease_until IS NULL OR lease_until < now()) AND ($4 OR next_poll_at <= now())
       RETURNING id`,
      [vendorAccountId, token, budget / 1000 + 120, opts.force],
    );
    if (leased === 0) return { status: 'skipped', reason: 'disabled, not due, or another poll holds the lease' };
    const account = await this.db.dataSource.getRepository(VendorAccount).findOneByOrFail({ id: vendorAccountId });
    const labels = { account: account.id, vendor: account.vendor };
    // The account's series exist from its first poll on, so a dashboard shows 0 rather than no data.
    for (const c of [this.metrics.vendorRecordsRead, this.metrics.vendorEventsStored, this.metrics.vendorRecordsRejected]) c.inc(labels, 0);
    const state: RunState = { pages: 0, inserted: 0, rejected: 0, progressed: false };
    try {
      const { more, reconciled } = await this.run(account, token, budget, opts.signal, state);
      const nextPollAt = more ? new Date() : this.nextScheduledPoll(account);
      await this.finish(account, token, {
        status: 'ok', last_success_at: new Date(), last_error: null, last_error_code: null, failing_since: null, consecutive_failures: 0, next_poll_at: nextPollAt,
      });
      this.metrics.vendorPolls.inc({ ...labels, outcome: 'ok' });
      // The next poll is queued now, for its time (the minute's scheduler only catches what was lost), so a short
      // poll interval or a reconciliation that is due between two scheduler ticks runs on time.
      if (more) await queuePollNow(this.jobs, vendorAccountId);
      else await this.jobs.send(POLL_VENDOR_ACCOUNT, { vendorAccountId }, { singletonKey: vendorAccountId, startAfter: nextPollAt });
      // After the next poll is queued: telling the operator can fail without stopping the account.
      if (pollNotice('ok', account.failureNoticedAt !== null)) {
        await this.tell(account, { change: 'recovered', failingSince: account.failingSince, failures: account.consecutiveFailures, errorCode: account.lastErrorCode, lastError: account.lastError });
      }
      return { status: 'done', pages: state.pages, inserted: state.inserted, rejected: state.rejected, more, reconciled: reconciled !== null };
    } catch (err) {
      if (err instanceof LeaseLostError) return { status: 'skipped', reason: 'another poll took over the account' };
      const failure = afterFailedRun(
        { previousFailures: account.consecutiveFailures, progressed: state.progressed, fault: faultOf(err) },
        this.config.vendors,
      );
      const error = describe(err);
      const errorClass = pollErrorClass(err);
      const nextPollAt = new Date(Date.now() + failure.retryInMs);
      // Failing since the first failed run after the last success; a run that made progress starts the count again,
      // as it does the streak of failures.
      const failingSince = state.progressed || !account.failingSince ? new Date() : account.failingSince;
      await this.finish(account, token, {
        status: failure.status, last_error: error, last_error_code: errorClass, last_error_at: new Date(), failing_since: failingSince,
        consecutive_failures: failure.failures, next_poll_at: nextPollAt,
      });
      this.metrics.vendorPolls.inc({ ...labels, outcome: errorClass });
      this.logger.warn(`vendor account ${account.id} (${account.vendor}): ${error}; next poll at ${nextPollAt.toISOString()}`);
      if (failure.status === 'retrying') {
        await this.jobs.send(POLL_VENDOR_ACCOUNT, { vendorAccountId }, { singletonKey: vendorAccountId, startAfter: nextPollAt });
      }
      if (pollNotice({ status: failure.status, consecutiveFailures: failure.failures }, account.failureNoticedAt !== null)) {
        await this.tell(account, { change: 'failing', failingSince, failures: failure.failures, errorCode: errorClass, lastError: error });
      }
      return { status: 'failed', accountStatus: failure.status, error, retryInMs: failure.retryInMs };
    }
  }

  // The streak told of (or its end) by one conditional UPDATE, so that one run on one replica tells each, in the same
  // transaction as the notice it writes: a crash loses neither alone. After the run is recorded and the next poll
  // queued: a failure here is logged and the next run tells it again, the run itself stands.
  private async tell(account: VendorAccount, c: Pick<VendorAccountStateChange, 'change' | 'failingSince' | 'failures' | 'errorCode' | 'lastError'>): Promise<void> {
    try {
      const failing = c.change === 'failing';
      await this.db.transaction(async (em) => {
        const rows: unknown[] = await em.query(
          `WITH moved AS (UPDATE vendor_accounts SET failure_noticed_at = ${failing ? 'now()' : 'NULL'}
                          WHERE id = $1 AND failure_noticed_at IS ${failing ? 'NULL' : 'NOT NULL'} RETURNING id)
           SELECT id FROM moved`,
          [account.id],
        );
        if (rows.length) await this.stateHooks.emit({ ...c, vendorAccountId: account.id, organizationId: account.organizationId, vendor: account.vendor, name: account.name, at: new Date() }, em);
      });
    } catch (err) {
      this.logger.error(`vendor account ${account.id} ${c.change}: telling the operator failed: ${(err as Error).message}`);
    }
  }


  // The incremental scan, then, once it has caught up, the reconciliation pass when one is due or in progress.
  private async run(account: VendorAccount, token: string, budgetMs: number, signal: AbortSignal, state: RunState) {
    const connector = this.connectors.get(account.vendor);
    const connectorAccount = this.accounts.toConnectorAccount(account);
    const deadline = Date.now() + budgetMs;
    const stop = AbortSignal.any([signal, AbortSignal.timeout(budgetMs)]);
    const retry = this.retryPolicy();
    const incremental: Scan = { kind: 'incremental', cursor: account.cursor, account: connectorAccount, opts: { now: new Date(), signal: stop, retry } };
    if (await this.scan(connector, account, token, incremental, deadline, stop, state)) return { more: true, reconciled: null };
    if (!this.reconcileDue(connector, account)) return { more: false, reconciled: null };

    const startedAt = account.reconcileCursor && account.reconcileStartedAt ? account.reconcileStartedAt : new Date();
    const { windowSeconds } = this.accounts.reconcileSettings(account);
    const reconcile: Scan = {
      kind: 'reconcile',
      cursor: account.reconcileCursor && account.reconcileStartedAt ? account.reconcileCursor : null,
      account: { ...connectorAccount, backfillFrom: new Date(startedAt.getTime() - windowSeconds * 1000) },
      opts: { now: new Date(), until: startedAt, signal: stop, retry },
      startedAt,
    };
    const found = state.inserted;
    if (await this.scan(connector, account, token, reconcile, deadline, stop, state)) return { more: true, reconciled: null };
    await this.completeReconcile(account, token, startedAt);
    this.logger.log(`vendor account ${account.id}: reconciliation over ${windowSeconds}s stored ${state.inserted - found} missed events`);
    return { more: false, reconciled: startedAt };
  }

  // Pages through one scan, committing as it goes; resolves to whether the time budget ran out first.
  private async scan(connector: VendorConnector, account: VendorAccount, token: string, scan: Scan, deadline: number, stop: AbortSignal, state: RunState): Promise<boolean> {
    const src = { organizationId: account.organizationId, source: `va:${account.id}`, vendorAccountId: account.id };
    const labels = { account: account.id, vendor: account.vendor };
    const budgetMs = this.config.vendors.pollTimeBudgetMs;
    let committed = canonical(scan.cursor);
    let buffer: ConnectorPage | null = null;
    let lastCommit = Date.now();
    // Vendor pages are small (Monarx: 100 records); committing a few together keeps transactions few without
    // ever separating events from the cursor that covers them.
    const flush = async () => {
      if (!buffer) return;
      const page: ConnectorPage = buffer;
      buffer = null;
      lastCommit = Date.now();
      const counts = await this.db.transaction(async (em) => {
        const stored = await this.store.insert(em, src, page.events);
        const newlyRejected = await this.store.reject(em, src, page.rejected); // a re-read rejection is counted once
        const progress =
          scan.kind === 'incremental'
            ? 'cursor = $2'
            : 'reconcile_cursor = $2, reconcile_started_at = $7, reconcile_found = reconcile_found + $3';
        const params: unknown[] = [account.id, JSON.stringify(page.cursor), stored.length, newlyRejected, budgetMs / 1000 + 120, token];
        if (scan.kind === 'reconcile') params.push(scan.startedAt);
        const updated = await em.query(
          `UPDATE vendor_accounts SET ${progress}, events_ingested = events_ingested + $3, records_rejected = records_rejected + $4,
                  lease_until = now() + make_interval(secs => $5), updated_at = now()
           WHERE id = $1 AND lease_owner = $6`,
          params,
        );
        // Someone took over the account (our lease expired): do not commit this page's cursor over theirs.
        if (updated[1] === 0) throw new LeaseLostError('poll lease lost');
        state.inserted += stored.length;
        state.rejected += newlyRejected;
        const cursor = canonical(page.cursor);
        if (cursor !== committed || stored.length > 0 || newlyRejected > 0) state.progressed = true;
        committed = cursor;
        return { stored: stored.length, rejected: newlyRejected };
      });
      // Counted once committed.
      this.metrics.vendorEventsStored.inc(labels, counts.stored);
      this.metrics.vendorRecordsRejected.inc(labels, counts.rejected);
    };
    try {
      for await (const page of readAhead(connector.poll(scan.account, scan.cursor, scan.opts), READ_AHEAD_PAGES)) {
        this.metrics.vendorRecordsRead.inc(labels, page.records ?? page.events.length + page.rejected.length);
        buffer = buffer ? { events: buffer.events.concat(page.events), rejected: buffer.rejected.concat(page.rejected), cursor: page.cursor } : page;
        state.pages++;
        if (buffer.events.length + buffer.rejected.length >= COMMIT_RECORDS || Date.now() - lastCommit >= COMMIT_INTERVAL_MS) await flush();
        if (Date.now() >= deadline || stop.aborted) {
          await flush();
          return true;
        }
      }
    } catch (err) {
      await flush(); // pages read before the fault are good: keep them and their cursor
      throw err;
    }
    await flush();
    // The connector ended early because the budget ran out (or the service is stopping): continue in a follow-up.
    return stop.aborted;
  }

  private reconcileDue(connector: VendorConnector, account: VendorAccount): boolean {
    if (!connector.lateRecords) return false;
    return account.reconcileCursor !== null || account.nextReconcileAt.getTime() <= Date.now();
  }

  private async completeReconcile(account: VendorAccount, token: string, startedAt: Date): Promise<void> {
    const { intervalSeconds } = this.accounts.reconcileSettings(account);
    await this.db.dataSource.query(
      `UPDATE vendor_accounts SET last_reconciled_at = now(), last_reconcile_missed = reconcile_found, reconcile_found = 0,
              reconcile_cursor = NULL, reconcile_started_at = NULL, next_reconcile_at = $3::timestamptz + make_interval(secs => $4)
       WHERE id = $1 AND lease_owner = $2`,
      [account.id, token, startedAt, intervalSeconds],
    );
    account.nextReconcileAt = new Date(startedAt.getTime() + intervalSeconds * 1000);
  }

  // After a run that caught up: the poll interval, or the next reconciliation when that comes first.
  private nextScheduledPoll(account: VendorAccount): Date {
    const next = Date.now() + account.pollIntervalSeconds * 1000;
    if (!this.connectors.get(account.vendor).lateRecords) return new Date(next);
    return new Date(Math.min(next, Math.max(Date.now(), account.nextReconcileAt.getTime())));
  }

  private retryPolicy() {
    const { requestRetries, requestRetryBaseMs, retryAfterMaxMs } = this.config.vendors;
    return { retries: requestRetries, baseMs: requestRetryBaseMs, retryAfterMaxMs };
  }

  private async finish(account: VendorAccount, token: string, fields: Record<string, unknown>): Promise<void> {
    const cols = Object.keys(fields);
    const sets = cols.map((c, i) => `${c} = $${i + 3}`);
    await this.db.dataSource.query(
      `UPDATE vendor_accounts SET ${[...sets, 'lease_owner = NULL', 'lease_until = NULL', 'updated_at = now()'].join(', ')}
       WHERE id = $1 AND lease_owner = $2`,
      [account.id, token, ...cols.map((c) => fields[c])],
    );
  }
}

// Vendor errors by their type; a secret that cannot be resolved is the operator's to fix; a refused outbound request
// and anything of our own (an error while storing a page) is transient: it shows on the account and is retried.
function faultOf(err: unknown): PollFault {
  const fault = vendorFault(err);
  if (fault) return fault;
  if (err instanceof DomainError && err.code === 'secret_unavailable') return { kind: 'permanent' };
  if (err instanceof OutboundHttpError) return { kind: 'transient' };
  return { kind: 'transient' };
}

function describe(err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  if (vendorFault(err) || err instanceof DomainError || err instanceof OutboundHttpError) return message;
  return `poll failed: ${message}`;
}

// JSON with sorted keys: a cursor read back from jsonb has its keys in jsonb's order, not the connector's.
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
