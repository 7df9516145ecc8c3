import { Injectable, OnModuleInit } from '@nestjs/common';
import { Database } from '../db/database';
import { defineJob, done, JobHandler, JobResult, HOUSEKEEPING_POLL_SECONDS } from '../jobs/job';
import { JobEngine } from '../jobs/job-engine';

export const PURGE_IDEMPOTENCY_KEYS = defineJob<Record<string, never>>('api.purge-idempotency-keys', { retryLimit: 2, concurrency: 1, pollSeconds: HOUSEKEEPING_POLL_SECONDS });
const KEEP_HOURS = 24;

// Idempotency keys are honoured for 24 hours, like Stripe's.
@Injectable()
export class PurgeIdempotencyKeys implements JobHandler<Record<string, never>>, OnModuleInit {
  constructor(
    private readonly jobs: JobEngine,
    private readonly db: Database,
  ) {}

  onModuleInit(): void {
    this.jobs.register(PURGE_IDEMPOTENCY_KEYS, this);
    this.jobs.schedule(PURGE_IDEMPOTENCY_KEYS, '17 * * * *', {});
  }

  async handle(): Promise<JobResult> {
    const [, deleted] = await this.db.dataSource.query(`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`, [KEEP_HOURS]);
    return done({ deleted });
  }
}
