import { Injectable } from '@nestjs/common';
import { jsonListPage } from '../api/json-page';
import type { Principal } from '../api-keys/api-keys.service';
import { Database } from '../db/database';
import { ConflictError, NotFoundError } from '../errors/domain-error';
import { JobEngine } from '../jobs/job-engine';
import { DeliveryAttempt } from './delivery-attempt.entity';
import { DeliveryJobs } from './delivery-jobs';
import { DeliveryLedger } from './delivery-ledger';
import { Delivery } from './delivery.entity';
import { DeliveryQuery } from './deliveries.dto';
import { DELIVERY_LIST, deliveryListWhere } from './delivery-list-query';

// The operator's view of the outbox: list, read with the attempt log, explicit replay.
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly db: Database,
    private readonly ledger: DeliveryLedger,
    private readonly jobs: JobEngine,
    private readonly types: DeliveryJobs,
  ) {}

  // The page's JSON text (json-page.ts), passed through unparsed.
  list(organizationId: string, q: DeliveryQuery): Promise<string> {
    return jsonListPage(this.db, DELIVERY_LIST, deliveryListWhere(organizationId, q), q);
  }

  async get(organizationId: string, id: string): Promise<{ delivery: Delivery; attempts: DeliveryAttempt[] }> {
    const delivery = await this.db.manager.findOneBy(Delivery, { id, organizationId });
    if (!delivery) throw new NotFoundError('delivery', id);
    const attempts = await this.db.manager.find(DeliveryAttempt, { where: { deliveryId: id, organizationId }, order: { attempt: 'ASC' }, take: 500 });
    return { delivery, attempts };
  }

  // Explicit and logged: the next attempt is marked as a replay by this API key. Allowed once the delivery has
  // settled (delivered, dead) or is waiting for its retry (failed: it goes now).
  async replay(caller: Principal, id: string): Promise<Delivery> {
    const current = await this.get(caller.organizationId, id);
    await this.db.transaction(async (em) => {
      if (!(await this.ledger.replay(em, caller.organizationId, id, `api:${caller.keyId}`))) {
        throw new ConflictError('delivery_in_progress', `delivery ${id} is ${current.delivery.status}; wait for it to finish before replaying`);
      }
      const [{ attempts }] = await em.query(`SELECT attempts FROM deliveries WHERE id = $1`, [id]);
      await this.jobs.send(this.types.send, { deliveryId: id }, { dedupeKey: `${id}:replay:${attempts}`, tx: em });
    });
    return (await this.get(caller.organizationId, id)).delivery;
  }
}
