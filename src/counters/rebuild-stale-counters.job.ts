import { Injectable, OnModuleInit } from '@nestjs/common';
import { defineJob, done, HOUSEKEEPING_POLL_SECONDS, JobContext, JobHandler, JobResult } from '../jobs/job';
import { JobEngine } from '../jobs/job-engine';
import { CustomerCounters } from './customer-counters';

export const REBUILD_STALE_COUNTERS = defineJob<Record<string, never>>('counters.rebuild-stale', {
  policy: 'stately', retryLimit: 2, expireInSeconds: 15 * 60, concurrency: 1, pollSeconds: HOUSEKEEPING_POLL_SECONDS,
});
const BATCH = 100;

// Every minute, the rollups marked stale (a rematch, a purge, a new time zone) are rebuilt, so that a read rarely
// has to do it first.
@Injectable()
export class RebuildStaleCounters implements JobHandler<Record<string, never>>, OnModuleInit {
  constructor(
    private readonly jobs: JobEngine,
    private readonly counters: CustomerCounters,
  ) {}

  onModuleInit(): void {
    this.jobs.register(REBUILD_STALE_COUNTERS, this);
    this.jobs.schedule(REBUILD_STALE_COUNTERS, '* * * * *', {});
  }

  async handle(_: unknown, ctx: JobContext): Promise<JobResult> {
    let rebuilt = 0;
    for (;;) {
      const ids = await this.counters.staleCustomers(BATCH);
      for (const id of ids) {
        if (ctx.signal.aborted) return done({ rebuilt, interrupted: true });
        await this.counters.rebuild(id);
        rebuilt++;
      }
      if (ids.length < BATCH) return done({ rebuilt });
    }
  }
}
