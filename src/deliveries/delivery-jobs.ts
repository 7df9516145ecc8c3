import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { defineJob, JobType, HOUSEKEEPING_POLL_SECONDS } from '../jobs/job';

export interface SendDeliveryPayload {
  deliveryId: string;
  // The deliveries a cause wrote together (a poll's events to one portal, say), up to DELIVERY_SEND_BATCH in one job:
  // one job row for the lot instead of one each. deliveryId is the first of them.
  deliveryIds?: string[];
  slot?: string; // a rate-limited send's reserved slot (ISO): this job holds it and sends without reserving again
}

// The deliveries jobs. Retries of a failed send are not the engine's: the sender records the failure and queues the
// next attempt at its scheduled time in the same transaction (DELIVERY_RETRY_SCHEDULE). The engine's own retries
// only cover a handler that could not reach the database.
@Injectable()
export class DeliveryJobs {
  readonly send: JobType<SendDeliveryPayload>;
  // Every minute, once across replicas: sends cut off by a crash, and due rows whose job was lost.
  readonly sweep = defineJob<Record<string, never>>('deliveries.sweep', { retryLimit: 1, concurrency: 1, expireInSeconds: 5 * 60, pollSeconds: HOUSEKEEPING_POLL_SECONDS });

  constructor(config: AppConfig) {
    this.send = defineJob<SendDeliveryPayload>('deliveries.send', {
      retryLimit: 5,
      retryDelaySeconds: 5,
      retryBackoff: true,
      expireInSeconds: config.deliveries.leaseSeconds + 60,
      concurrency: config.deliveries.sendConcurrency,
      batchSize: config.deliveries.sendBatch,
    });
  }
}
