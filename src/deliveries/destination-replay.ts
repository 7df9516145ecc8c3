import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Principal } from '../api-keys/api-keys.service';
import { Database } from '../db/database';
import { DestinationsService } from '../destinations/destinations.service';
import { defineJob, done, JobContext, JobHandler, JobResult } from '../jobs/job';
import { JobEngine } from '../jobs/job-engine';
import { DeliverySender } from './delivery-sender';
import { checkReplayRange } from './replay-range';

export interface ReplayRangePayload {
  destinationId: string;
  requestedBy: string;
}

// One replay job per request, sending its deliveries one after another: a receiver catching up after an outage
// gets them in their original order, and not all at once.
export const replayRangeJob = defineJob<ReplayRangePayload>('deliveries.replay-range', { retryLimit: 5, concurrency: 2, expireInSeconds: 60 * 60 });
const PAGE = 200;

// "Catch up": every failed or dead delivery of a destination created in a time range becomes pending as a new round
// (fresh retry budget; the message id, and so webhook-id, stays), in one statement; then one job sends them in order.
@Injectable()
export class DestinationReplay implements JobHandler<ReplayRangePayload>, OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly destinations: DestinationsService,
    private readonly jobs: JobEngine,
    private readonly sender: DeliverySender,
  ) {}

  onModuleInit(): void {
    this.jobs.register(replayRangeJob, this);
  }

  async replay(caller: Principal, destinationId: string, input: { from?: unknown; to?: unknown; status?: unknown }): Promise<{ requeued: number }> {
    const range = checkReplayRange(input);
    const d = await this.destinations.get(caller.organizationId, destinationId); // another organization's: 404
    const requestedBy = `api:${caller.keyId}`;
    return this.db.transaction(async (em) => {
      const rows: { id: string }[] = await em.query(
        `WITH r AS (
           UPDATE deliveries SET status = 'pending', attempt_base = attempts, next_attempt_at = now(), replay_requested_by = $6,
                  lease_owner = NULL, lease_until = NULL, updated_at = now()
           WHERE organization_id = $1 AND destination_id = $2 AND created_at >= $3 AND created_at < $4 AND status = ANY($5::text[])
           RETURNING id)
         SELECT id FROM r`,
        [caller.organizationId, d.id, range.from, range.to, range.statuses, requestedBy],
      );
      if (rows.length) await this.jobs.send(replayRangeJob, { destinationId: d.id, requestedBy }, { tx: em });
      return { requeued: rows.length };
    });
  }

  // The replayed rows not attempted yet in their new round, oldest first, each sent in turn (a failure takes its
  // retry schedule as usual; one held back by the rate limit goes at its slot). Keyset paging, so each row is looked
  // at once per run. A stopped run throws to be retried; rows it left behind are also taken up by the sweep.
  async handle(p: ReplayRangePayload, ctx: JobContext<ReplayRangePayload>): Promise<JobResult> {
    let after: { createdAt: Date; id: string } | null = null;
    let sent = 0;
    for (;;) {
      const page: { id: string; createdAt: Date }[] = await this.db.dataSource.query(
        `SELECT id, created_at AS "createdAt" FROM deliveries
         WHERE destination_id = $1 AND replay_requested_by = $2 AND status = 'pending' AND attempts = attempt_base AND next_attempt_at <= now()
           AND ($3::timestamptz IS NULL OR (created_at, id) > ($3, $4::uuid))
         ORDER BY created_at, id LIMIT ${PAGE}`,
        [p.destinationId, p.requestedBy, after?.createdAt ?? null, after?.id ?? null],
      );
      for (const row of page) {
        if (ctx.signal.aborted) throw new Error('shutting down: the rest of the replay is left to a retry of this job');
        await this.sender.send(row.id);
        sent++;
      }
      if (page.length < PAGE) return done({ sent });
      after = page[page.length - 1];
    }
  }
}
