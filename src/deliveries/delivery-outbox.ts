import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { JobEngine } from '../jobs/job-engine';
import { DeliveryJobs } from './delivery-jobs';

// How a cause (an urgent alert, later a rule) writes its deliveries in its own transaction: the rows by one
// INSERT … SELECT, then their send jobs. The pipeline does not know why they are sent; each cause type registers the
// composer of its content (DeliveryComposers).
@Injectable()
export class DeliveryOutbox {
  constructor(
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

  // In the same transaction: the job exists if and only if the delivery commits.
  async queue(em: EntityManager, deliveryIds: string[]): Promise<void> {
    await this.jobs.sendMany(this.types.send, deliveryIds.map((id) => ({ payload: { deliveryId: id }, dedupeKey: id })), { tx: em });
  }
}
