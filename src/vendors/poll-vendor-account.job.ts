import { Injectable, OnModuleInit } from '@nestjs/common';
import { Database } from '../db/database';
import { done, failed, JobContext, JobHandler, JobResult, retry, skipped } from '../jobs/job';
import { JobEngine } from '../jobs/job-engine';
import { POLL_VENDOR_ACCOUNT, queuePollNow, SCHEDULE_POLLS } from './poll-jobs';
import { PollService } from './poll.service';

@Injectable()
export class PollVendorAccountJob implements JobHandler<{ vendorAccountId: string; force?: boolean }>, OnModuleInit {
  constructor(
    private readonly jobs: JobEngine,
    private readonly polls: PollService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(POLL_VENDOR_ACCOUNT, this);
  }

  async handle(p: { vendorAccountId: string; force?: boolean }, ctx: JobContext): Promise<JobResult> {
    const outcome = await this.polls.poll(p.vendorAccountId, { force: p.force ?? false, signal: ctx.signal });
    if (outcome.status === 'skipped') return skipped(outcome.reason);
    // A vendor fault is handled here (account status, the next poll scheduled), so the engine does not retry the job;
    // it is counted as what it was: a retry on the backoff, or failed until the operator fixes the account.
    if (outcome.status === 'failed') return outcome.accountStatus === 'retrying' ? retry(outcome.error, outcome) : failed(outcome.error, outcome);
    return done(outcome);
  }
}

@Injectable()
export class SchedulePollsJob implements JobHandler<Record<string, never>>, OnModuleInit {
  constructor(
    private readonly jobs: JobEngine,
    private readonly db: Database,
  ) {}

  onModuleInit(): void {
    this.jobs.register(SCHEDULE_POLLS, this);
    this.jobs.schedule(SCHEDULE_POLLS, '* * * * *', {});
  }

  async handle(): Promise<JobResult> {
    const due: { id: string }[] = await this.db.dataSource.query(
      `SELECT id FROM vendor_accounts WHERE enabled AND next_poll_at <= now() AND (lease_until IS NULL OR lease_until < now())
       ORDER BY next_poll_at LIMIT 10000`,
    );
    let queued = 0;
    for (const { id } of due) {
      // A due account's queued poll may be one scheduled for later (after a backoff that was cut short): bring it forward.
      if (await queuePollNow(this.jobs, id)) queued++;
    }
    return done({ due: due.length, queued });
  }
}
