import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { DestinationError, DestinationHint, DestinationResult, DestinationTarget, OutboundMessage } from '../destinations/destination';
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
    if (!claimed) return { status: 'skipped', reason: 'claimed by another worker, done, or not due (its own job is queued for then)' };
    const started = performance.now();
    if (composeError || !message) {
      const error = composeError?.message ?? 'nothing to send';
      return this.failed(claimed, { durationMs: 0, outcome: 'permanent_error', request: null, response: null, error }, true, target);
    }
    let result: DestinationResult;
    try {
      result = await destination.send({
        id: claimed.id, organizationId: claimed.organizationId, customerId: claimed.customerId, attempt: claimed.attempts,
        round: claimed.attemptBase, payload: claimed.payload, message, target,
      });
    } catch (err) {
      const e = err instanceof DestinationError ? err : new DestinationError((err as Error)?.message ?? String(err), false);
      const record: AttemptRecord = {
        durationMs: performance.now() - started, outcome: e.permanent ? 'permanent_error' : 'transient_error',
        request: e.request, response: e.response, error: e.message,
      };
      if (target) await this.afterFailure(target.id, e.message, e.hint.disable ?? null);
      return this.failed(claimed, record, e.permanent, target, e.hint);
    }
    await this.ledger.markDelivered(claimed, this.owner, { durationMs: performance.now() - started, outcome: 'delivered', ...result, error: null });
    if (target) await this.afterSuccess(target.id);
    return { status: 'delivered', attempt: claimed.attempts };
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

  private async afterSuccess(id: string): Promise<void> {
    const now = this.clock.now();
    const before = await this.configured.recordOutcome(id, true, null, now);
    if (!before || !isRecovery(before, this.config.destinationHealth)) return;
    this.logger.log(`destination ${id} recovered after ${before.consecutiveFailures} failed attempts`);
    await this.stateHooks.emit({
      change: 'recovered', destinationId: id, organizationId: before.organizationId, name: before.name, at: now, reason: null,
      failingSince: before.failingSince, failures: before.consecutiveFailures, lastFailure: before.lastFailure,
    });
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

  // The retry schedule of a delivery: its destination's own (config.retrySchedule), else Svix's for a webhook and
  // DELIVERY_RETRY_SCHEDULE for e-mail (and a customer's own recipients).
  private schedule(kind: string, target: DestinationTarget | null): readonly number[] {
    const own = target?.config.retrySchedule;
    if (Array.isArray(own)) return own as number[];
    return kind === 'webhook' ? SVIX_RETRY_SCHEDULE : this.config.deliveries.retrySchedule;
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
