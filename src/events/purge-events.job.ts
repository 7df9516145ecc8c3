import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Database } from '../db/database';
import { defineJob, done, JobContext, JobHandler, JobResult, HOUSEKEEPING_POLL_SECONDS } from '../jobs/job';
import { JobEngine } from '../jobs/job-engine';

export const PURGE_OLD_EVENTS = defineJob<Record<string, never>>('events.purge-old', { retryLimit: 2, expireInSeconds: 3600, concurrency: 1, pollSeconds: HOUSEKEEPING_POLL_SECONDS });
const CHUNK = 5000;

// Retention (EVENT_RETENTION_DAYS): deletes in small chunks, each its own short transaction, so ingestion is never
// blocked behind one long delete.
@Injectable()
export class PurgeOldEvents implements JobHandler<Record<string, never>>, OnModuleInit {
  constructor(
    private readonly jobs: JobEngine,
    private readonly db: Database,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register(PURGE_OLD_EVENTS, this);
    this.jobs.schedule(PURGE_OLD_EVENTS, '41 * * * *', {});
  }

  async handle(_: unknown, ctx: JobContext): Promise<JobResult> {
    let deleted = 0;
    for (;;) {
      const [, n] = await this.db.dataSource.query(
        `DELETE FROM events WHERE id IN (
           SELECT id FROM events WHERE received_at < now() - make_interval(days => $1) LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [this.config.events.retentionDays, CHUNK],
      );
      deleted += n;
      if (n < CHUNK || ctx.signal.aborted) break;
    }
    // By when a record was last seen: one a vendor still serves is still being rejected, however old its first sighting.
    await this.db.dataSource.query(`DELETE FROM rejected_records WHERE last_seen_at < now() - make_interval(days => $1)`, [this.config.events.retentionDays]);
    return done({ deleted });
  }
}
