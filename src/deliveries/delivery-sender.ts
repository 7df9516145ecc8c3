import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { Destination, DestinationError, DestinationHint, DestinationTarget, OutboundMessage } from '../destinations/destination';
import { Destinations } from '../destinations/destinations';
import { DestinationsService } from '../destinations/destinations.service';
import { JobEngine } from '../jobs/job-engine';
import { ComposeError, DeliveryComposers } from './delivery-composers';
import { DeliveryJobs } from './delivery-jobs';
import { AttemptRecord, ClaimedDelivery, DeliveryLedger } from './delivery-ledger';
import { Clock } from '../clock/clock';
import { DeliveryRateLimit } from './delivery-rate-limit';
import { isRecovery, shouldAutoDisable } from './destination-health';
import { DestinationStateHooks } from './destination-state-hooks';
import { decideFailure, jitter, SVIX_RETRY_SCHEDULE } from './retry-schedule';

export type SendOutcome =
  | { status: 'delivered'; attempt: number }
  | { status: 'failed'; attempt: number; retryAt: Date; error: string }
  | { status: 'dead'; attempt: number; error: string }
  | { status: 'held' }
  | { status: 'skipped'; reason: string };

// One attempt of one delivery: compose its message, claim the row (pending/failed → sending, with a lease, one
// conditional UPDATE committed before the target is spoken to, so two workers never both send it), send through the
// destination adapter, and record the attempt with the next step in the very next transaction: delivered; failed
// with the next attempt queued at its scheduled time; or dead (permanent, or retries used up).
const NOT_CLAIMED = 'claimed by another worker, done, or not due (its own job is queued for then)';

@Injectable()
export class DeliverySender {
  private readonly logger = new Logger('Deliveries');
  private readonly owner = `${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly config: AppConfig,
    private readonly ledger: DeliveryLedger,
    private readonly composers: DeliveryComposers,
    private readonly destinations: Destinations,
    private readonly configured: DestinationsService,
    private readonly jobs: JobEngine,
    private readonly types: DeliveryJobs,
    private readonly clock: Clock,
    private readonly stateHooks: DestinationStateHooks,
    private readonly rateLimit: DeliveryRateLimit,
  ) {}

  // slot: the rate-limit slot this send holds (its job waited for it). evenIfDisabled: a test message the operator
  // asked for goes to a disabled destination too (to check it before enabling it); every other delivery of a
  // disabled destination is held.
  async send(id: string, slot?: string, opts: { evenIfDisabled?: boolean } = {}): Promise<SendOutcome> {
    const row = await this.ledger.get(id);
    if (!row) return { status: 'skipped', reason: 'delivery no longer exists' };
    if (row.status !== 'pending' && row.status !== 'failed') return { status: 'skipped', reason: `already ${row.status}` };
    // Everything that can be done before the claim is: the window in which a crash leaves the outcome unknown is
    // then only the conversation with the target. Errors other than ComposeError (the database) throw: the job retries.
    // A kind this replica has no adapter for (a newer replica wrote it, mid-deploy): leave it for one that has.
    const destination = this.destinations.get(row.destination);
    if (!destination) throw new Error(`delivery ${id}: no destination adapter for "${row.destination}" on this replica`);
    let message: OutboundMessage | null = null;
    let target: DestinationTarget | null = null;
    let composeError: ComposeError | null = null;
    try {
      message = await this.composers.compose(row);
      if (row.destinationId) target = await this.target(row.destinationId, row.organizationId);
    } catch (err) {
      if (!(err instanceof ComposeError)) throw err;
      composeError = err;
    }
    if (target && !target.enabled && !opts.evenIfDisabled) {
      if (await this.ledger.hold(id)) return { status: 'held' };
      return { status: 'skipped', reason: 'no longer pending' };
    }
    // Over its destination's rate limit: held back to its reserved slot (its job queued for then), never dropped.
    if (target?.rateLimitPerMinute && !slot) {
      const until = await this.rateLimit.admit(id, target.id, target.rateLimitPerMinute);
      if (until) return { status: 'skipped', reason: `rate limit: waits for its slot at ${until.toISOString()}` };
    }
    const claimed = await this.ledger.claim(id, this.owner, this.config.deliveries.leaseSeconds);
    if (!claimed) return { status: 'skipped', reason: NOT_CLAIMED };
    if (composeError || !message) {
      const error = composeError?.message ?? 'nothing to send';
      return this.failed(claimed, { durationMs: 0, outcome: 'permanent_error', request: null, response: null, error }, true, target);
    }
    const sent = await this.attempt(destination, claimed, message, target);
    if (sent.error) return this.afterError(claimed, sent.error, sent.record, target);
    await this.ledger.markDelivered(claimed, this.owner, sent.record);
    if (target) await this.afterSuccesses([target.id]);
    return { status: 'delivered', attempt: claimed.attempts };
  }

  // Many deliveries at once (a batch of send jobs): the ones ready to go — composed, to an enabled destination
  // without a rate limit (or to a customer's own recipients) — are read, claimed and recorded as delivered with one
  // statement each for the whole batch, their destinations' health once, and sent concurrently; every other one
  // (held, rate-limited, not composable, not due) takes send()'s path on its own. Outcomes by delivery id.
  async sendMany(ids: string[]): Promise<Map<string, SendOutcome>> {
    const outcomes = new Map<string, SendOutcome>();
    const rows = new Map((await this.ledger.getMany(ids)).map((r) => [r.id, r]));
    const targets = await this.configured.targets([...new Set([...rows.values()].map((r) => r.destinationId).filter((d): d is string => !!d))]);
    const ready = new Map<string, { message: OutboundMessage; target: DestinationTarget | null }>();
    const alone: string[] = [];
    for (const id of new Set(ids)) {
      const row = rows.get(id);
      if (!row) outcomes.set(id, { status: 'skipped', reason: 'delivery no longer exists' });
      else if (row.status !== 'pending' && row.status !== 'failed') outcomes.set(id, { status: 'skipped', reason: `already ${row.status}` });
      else {
        const found = row.destinationId ? targets.get(row.destinationId) : null;
        const target = found instanceof Error ? undefined : found;
        const plain = target === null || (target && target.enabled && !target.rateLimitPerMinute && target.organizationId === row.organizationId);
        // Anything unusual (a compose error included) is recorded by send()'s path, which composes again.
        const message = plain && this.destinations.get(row.destination) ? await this.composers.compose(row).catch(() => null) : null;
        if (message) ready.set(id, { message, target: target ?? null });
        else alone.push(id);
      }
    }
    // At most DELIVERY_SEND_BATCH claimed at a time: each lot is sent within one request timeout, well inside the lease.
    const readyIds = [...ready.keys()];
    for (let i = 0; i < readyIds.length; i += this.config.deliveries.sendBatch) {
      const lot = readyIds.slice(i, i + this.config.deliveries.sendBatch);
      const claimed = new Map((await this.ledger.claimMany(lot, this.owner, this.config.deliveries.leaseSeconds)).map((c) => [c.id, c]));
      for (const id of lot) if (!claimed.has(id)) outcomes.set(id, { status: 'skipped', reason: NOT_CLAIMED });
      const results = await Promise.all([...claimed.values()].map(async (c) => ({ c, ...(await this.attempt(this.destinations.get(c.destination)!, c, ready.get(c.id)!.message, ready.get(c.id)!.target)) })));
      const delivered = results.filter((r) => !r.error);
      await this.ledger.markDeliveredMany(delivered.map((r) => ({ claimed: r.c, attempt: r.record })), this.owner);
      await this.afterSuccesses([...new Set(delivered.map((r) => r.c.destinationId).filter((d): d is string => !!d))]);
      for (const r of delivered) outcomes.set(r.c.id, { status: 'delivered', attempt: r.c.attempts });
      for (const r of results) if (r.error) outcomes.set(r.c.id, await this.afterError(r.c, r.error, r.record, ready.get(r.c.id)!.target));
    }
    for (const id of alone) outcomes.set(id, await this.send(id));
    return outcomes;
  }

  // One conversation with the target, timed: what it answered, or the error (never thrown).
  private async attempt(destination: Destination, claimed: ClaimedDelivery, message: OutboundMessage, target: DestinationTarget | null): Promise<{ record: AttemptRecord; error: DestinationError | null }> {
    const started = performance.now();
    try {
      const result = await destination.send({
        id: claimed.id, organizationId: claimed.organizationId, customerId: claimed.customerId, attempt: claimed.attempts,
        round: claimed.attemptBase, payload: claimed.payload, message, target,
      });
      return { record: { durationMs: performance.now() - started, outcome: 'delivered', ...result, error: null }, error: null };
    } catch (err) {
      const e = err instanceof DestinationError ? err : new DestinationError((err as Error)?.message ?? String(err), false);
      const record: AttemptRecord = {
        durationMs: performance.now() - started, outcome: e.permanent ? 'permanent_error' : 'transient_error',
        request: e.request, response: e.response, error: e.message,
      };
      return { record, error: e };
    }
  }

  private async afterError(claimed: ClaimedDelivery, e: DestinationError, record: AttemptRecord, target: DestinationTarget | null): Promise<SendOutcome> {
    if (target) await this.afterFailure(target.id, e.message, e.hint.disable ?? null);
    return this.failed(claimed, record, e.permanent, target, e.hint);
  }

  // Health after a failed attempt; disabled at once by what the target said (410 Gone), or on its own when it has
  // failed for too long (no success for DESTINATION_AUTO_DISABLE_SECONDS and enough failed attempts): the operator
  // is told either way.
  private async afterFailure(id: string, error: string, disable: string | null): Promise<void> {
    const now = this.clock.now();
    const h = await this.configured.recordOutcome(id, false, error, now);
    if (!h || h.state !== 'enabled') return;
    const reason = disable ?? (shouldAutoDisable(h, now, this.config.destinationHealth) ? 'failing_since' : null);
    if (!reason || !(await this.configured.disableFor(id, reason, now))) return;
    this.logger.warn(`destination ${id} disabled (${reason}${h.failingSince ? `, failing since ${h.failingSince.toISOString()}` : ''}): ${error}`);
    await this.stateHooks.emit({
      change: 'disabled', destinationId: id, organizationId: h.organizationId, name: h.name, at: now, reason,
      failingSince: h.failingSince, failures: h.consecutiveFailures, lastFailure: h.lastFailure,
    });
  }

  private async afterSuccesses(ids: string[]): Promise<void> {
    const now = this.clock.now();
    for (const before of await this.configured.recordSuccesses(ids, now)) {
      if (!isRecovery(before, this.config.destinationHealth)) continue;
      this.logger.log(`destination ${before.id} recovered after ${before.consecutiveFailures} failed attempts`);
      await this.stateHooks.emit({
        change: 'recovered', destinationId: before.id, organizationId: before.organizationId, name: before.name, at: now, reason: null,
        failingSince: before.failingSince, failures: before.consecutiveFailures, lastFailure: before.lastFailure,
      });
    }
  }

  // The configured destination with its credentials opened for this attempt. Deleted, or a credential that cannot
  // be opened (an env:NAME no longer granted): the message cannot go until the operator fixes it.
  private async target(id: string, organizationId: string): Promise<DestinationTarget> {
    let target: DestinationTarget | null;
    try {
      target = await this.configured.target(id, organizationId);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'secret_unavailable' || code === 'secret_unreadable') throw new ComposeError(`destination credentials: ${(err as Error).message}`);
      throw err;
    }
    if (!target) throw new ComposeError('the destination of this delivery was deleted');
    return target;
  }

  // The retry schedule of a delivery: its destination's own (config.retrySchedule), else DELIVERY_RETRY_SCHEDULE for
  // e-mail (configured, and a customer's own recipients) and Svix's for every other kind (webhooks, channels, …).
  private schedule(kind: string, target: DestinationTarget | null): readonly number[] {
    const own = target?.config.retrySchedule;
    if (Array.isArray(own)) return own as number[];
    return kind === 'email' ? this.config.deliveries.retrySchedule : SVIX_RETRY_SCHEDULE;
  }

  private async failed(claimed: ClaimedDelivery, record: AttemptRecord, permanent: boolean, target: DestinationTarget | null, hint: DestinationHint = {}): Promise<SendOutcome> {
    const decision = decideFailure(permanent, claimed.attempts - claimed.attemptBase, this.schedule(claimed.destination, target), hint.retryAfterSeconds ?? null);
    const error = record.error ?? 'failed';
    if (decision.status === 'dead') {
      await this.ledger.markFailed(claimed, this.owner, { ...record, error }, null);
      this.logger.warn(`delivery ${claimed.id}: ${decision.reason === 'permanent' ? 'permanent failure' : 'retries used up'}, dead: ${error}`);
      return { status: 'dead', attempt: claimed.attempts, error };
    }
    // A step of the schedule is jittered (±20%); a wait the target asked for (Retry-After) is kept as asked.
    const wait = hint.retryAfterSeconds != null ? decision.retryInSeconds : jitter(decision.retryInSeconds);
    const retryAt = new Date(Date.now() + Math.round(wait * 1000));
    await this.ledger.markFailed(claimed, this.owner, { ...record, error }, retryAt, (em) =>
      this.jobs.send(this.types.send, { deliveryId: claimed.id }, { dedupeKey: `${claimed.id}:${claimed.attempts}`, startAfter: retryAt, tx: em }),
    );
    return { status: 'failed', attempt: claimed.attempts, retryAt, error };
  }
}
