import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { automaticResends } from './unknown-policy';
import { done, failed, JobHandler, JobResult, retry, skipped } from '../jobs/job';
import { JobEngine } from '../jobs/job-engine';
import { DeliveryJobs, SendDeliveryPayload } from './delivery-jobs';
import { Destinations } from '../destinations/destinations';
import { DeliveryLedger } from './delivery-ledger';
import { DeliverySender, SendOutcome } from './delivery-sender';

// A due row whose job has not picked it up this long after its time lost that job (a replica died with it queued).
const OVERDUE_SECONDS = 120;

@Injectable()
export class SendDeliveryJob implements JobHandler<SendDeliveryPayload>, OnModuleInit {
  constructor(
    private readonly jobs: JobEngine,
    private readonly types: DeliveryJobs,
    private readonly sender: DeliverySender,
  ) {}

  onModuleInit(): void {
    this.jobs.register(this.types.send, this);
  }

  // A failed attempt is recorded with its retry queued (or dead) and the job is done; only an error of ours (the
  // database) throws for the engine to retry.
  async handle(p: SendDeliveryPayload): Promise<JobResult> {
    if (p.deliveryIds) return (await this.handleBatch([p]))[0];
    return jobResult(await this.sender.send(p.deliveryId, p.slot));
  }

  // A batch: the rate-limited sends that hold their slot go one by one; the rest together (DeliverySender.sendMany).
  // Two jobs for one delivery in a batch (a retry and the sweep's requeue): the second is skipped.
  // A job of several deliveries counts as done when each was sent or settled (its own failures are on its rows, with
  // their retries queued), with the outcomes counted in its detail.
  async handleBatch(payloads: SendDeliveryPayload[]): Promise<JobResult[]> {
    const outcomes = await this.sender.sendMany(payloads.filter((p) => !p.slot).flatMap((p) => p.deliveryIds ?? [p.deliveryId]));
    const seen = new Set<string>();
    const results: JobResult[] = [];
    for (const p of payloads) {
      if (p.slot) results.push(jobResult(await this.sender.send(p.deliveryId, p.slot)));
      else if (p.deliveryIds) results.push(done(countBy(p.deliveryIds.map((id) => (seen.has(id) ? 'skipped' : outcomes.get(id)!.status)))));
      else if (seen.has(p.deliveryId)) results.push(skipped('the same delivery twice in one batch'));
      else results.push(jobResult(outcomes.get(p.deliveryId)!));
      for (const id of p.deliveryIds ?? [p.deliveryId]) seen.add(id);
    }
    return results;
  }
}

function countBy(statuses: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}

function jobResult(outcome: SendOutcome): JobResult {
  if (outcome.status === 'skipped') return skipped(outcome.reason);
  if (outcome.status === 'failed') return retry(outcome.error, { attempt: outcome.attempt, retryAt: outcome.retryAt });
  if (outcome.status === 'dead') return failed(outcome.error, { attempt: outcome.attempt });
  return done(outcome);
}

@Injectable()
export class SweepDeliveriesJob implements JobHandler<Record<string, never>>, OnModuleInit {
  private readonly logger = new Logger('Deliveries');

  constructor(
    private readonly jobs: JobEngine,
    private readonly types: DeliveryJobs,
    private readonly ledger: DeliveryLedger,
    private readonly config: AppConfig,
    private readonly destinations: Destinations,
  ) {}

  onModuleInit(): void {
    this.jobs.register(this.types.sweep, this);
    this.jobs.schedule(this.types.sweep, '* * * * *', {});
  }

  async handle(): Promise<JobResult> {
    const resends = automaticResends(this.config.deliveries.interruptedPolicy);
    const interrupted = await this.ledger.markInterrupted(resends, this.destinations.resendableKinds, (em, rows) =>
      this.jobs.sendMany(this.types.send, rows.map(({ id, attempts }) => ({ payload: { deliveryId: id }, dedupeKey: `${id}:${attempts}:interrupted` })), { tx: em }),
    );
    if (interrupted.dead + interrupted.resent) {
      this.logger.warn(`${interrupted.dead + interrupted.resent} send(s) cut off mid-way: ${interrupted.resent} sent once more as the same message (e-mail), ${interrupted.dead} marked interrupted (dead) for the operator to check and replay`);
    }
    const overdue = await this.ledger.overdue(OVERDUE_SECONDS);
    const bucket = Math.floor(Date.now() / (OVERDUE_SECONDS * 1000));
    for (const id of overdue) await this.jobs.send(this.types.send, { deliveryId: id }, { dedupeKey: `${id}:recover:${bucket}` });
    return done({ interrupted, requeued: overdue.length });
  }
}
