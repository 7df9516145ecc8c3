import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { defineJob, JobType, HOUSEKEEPING_POLL_SECONDS } from '../jobs/job';

export interface SendDigestPayload {
  digestId: string;
}

// The two digest jobs, with the retry settings from config (DIGEST_*).
@Injectable()
export class DigestJobs {
  // One ledger row to one email; dedupe key = the row id. SMTP 4xx / down is retried with exponential backoff.
  readonly send: JobType<SendDigestPayload>;
  // Every minute (once across replicas): queue a send for each customer whose local send time has come.
  readonly schedule = defineJob<Record<string, never>>('digests.schedule', { retryLimit: 1, concurrency: 1, expireInSeconds: 10 * 60, pollSeconds: HOUSEKEEPING_POLL_SECONDS });

  constructor(config: AppConfig) {
    const d = config.digests;
    this.send = defineJob<SendDigestPayload>('digests.send', {
      retryLimit: d.retryLimit,
      retryDelaySeconds: d.retryDelaySeconds,
      retryBackoff: true,
      // A batch's jobs start together and are sent one after another; one that expires behind slow siblings is
      // retried by pg-boss and meets the ledger's claim, so expiry can only cost a wasted fetch, never a second email.
      expireInSeconds: d.leaseSeconds + 60,
      concurrency: d.sendConcurrency,
      // A run's sends: one fetch, one aggregation and one completion per ten. Ten, not five: the aggregation's plan
      // is then reused (with five PostgreSQL re-planned it on every batch, a third more of its time per digest).
      batchSize: 10,
    });
  }
}
