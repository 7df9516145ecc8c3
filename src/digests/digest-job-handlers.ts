import { Injectable, OnModuleInit } from '@nestjs/common';
import { done, failed, JobContext, JobHandler, JobResult, skipped } from '../jobs/job';
import { JobEngine } from '../jobs/job-engine';
import { DigestJobs, SendDigestPayload } from './digest-jobs';
import { DigestScheduler } from './digest-scheduler';
import { DigestSender } from './digest-sender';

@Injectable()
export class SendDigestJob implements JobHandler<SendDigestPayload>, OnModuleInit {
  constructor(
    private readonly jobs: JobEngine,
    private readonly types: DigestJobs,
    private readonly sender: DigestSender,
  ) {}

  onModuleInit(): void {
    this.jobs.register(this.types.send, this);
  }

  // A transient failure throws (the engine retries with backoff); a permanent one is recorded and done.
  async handle(p: SendDigestPayload, ctx: JobContext<SendDigestPayload>): Promise<JobResult> {
    const outcome = await this.sender.send(p.digestId, ctx.batch.map((b) => b.digestId));
    if (outcome.status === 'skipped') return skipped(outcome.reason);
    if (outcome.status === 'failed') return failed(outcome.reason);
    return done(outcome);
  }
}

@Injectable()
export class ScheduleDigestsJob implements JobHandler<Record<string, never>>, OnModuleInit {
  constructor(
    private readonly jobs: JobEngine,
    private readonly types: DigestJobs,
    private readonly scheduler: DigestScheduler,
  ) {}

  onModuleInit(): void {
    this.jobs.register(this.types.schedule, this);
    this.jobs.schedule(this.types.schedule, '* * * * *', {});
  }

  async handle(): Promise<JobResult> {
    return done({ ...(await this.scheduler.tick()) });
  }
}
