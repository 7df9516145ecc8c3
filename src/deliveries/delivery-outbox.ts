import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { JobEngine } from '../jobs/job-engine';
import { DeliveryJobs } from './delivery-jobs';

// How a cause (a rule firing, an event subscription) writes its deliveries in its own transaction: the rows by one
// INSERT … SELECT, then their send jobs. The pipeline does not know why they are sent; each cause type registers the
// composer of its content (DeliveryComposers).
@Injectable()
export class DeliveryOutbox {
  constructor(
    private readonly config: AppConfig,
    private readonly jobs: JobEngine,
    private readonly types: DeliveryJobs,
  ) {}

  // `select` yields (organization_id, customer_id, destination, cause_type, cause_id, dedupe_key, payload); a row whose
  // dedupe key exists already is skipped. Usable as a data-modifying CTE; returns the new deliveries' ids.
  // With `toConfigured`, the select yields destination_id (a configured destination's row) as an eighth column.
  insertSql(select: string, toConfigured = false): string {
    return `INSERT INTO deliveries (organization_id, customer_id, destination, cause_type, cause_id, dedupe_key, payload${toConfigured ? ', destination_id' : ''})
       ${select}
       ON CONFLICT ON CONSTRAINT deliveries_dedupe DO NOTHING
       RETURNING id`;
  }

  // In the same transaction: the job exists if and only if the delivery commits. One job per DELIVERY_SEND_BATCH
  // deliveries (each is claimed on its own, so a job retried by the engine never sends one twice).
  // startAfter: not before then (a contact's quiet hours; their rows' next_attempt_at says the same).
  async queue(em: EntityManager, deliveryIds: string[], startAfter?: Date): Promise<void> {
    const size = this.config.deliveries.sendBatch;
    const jobs = [];
    for (let i = 0; i < deliveryIds.length; i += size) {
      const ids = deliveryIds.slice(i, i + size);
      jobs.push({ payload: ids.length === 1 ? { deliveryId: ids[0] } : { deliveryId: ids[0], deliveryIds: ids }, dedupeKey: ids.length === 1 ? ids[0] : `${ids[0]}+${ids.length}` });
    }
    await this.jobs.sendMany(this.types.send, jobs, { tx: em, ...(startAfter ? { startAfter } : {}) });
  }
}
