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
      expireInSeconds: d.leaseSeconds + 60,
      concurrency: d.sendConcurrency,
      batchSize: 5, // a run's sends: one fetch and one completion per five
    });
  }
}
