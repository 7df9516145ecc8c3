import { Injectable } from '@nestjs/common';
import type { Principal } from '../api-keys/api-keys.service';
import { Database } from '../db/database';
import { DeliveriesService } from '../deliveries/deliveries.service';
import { DeliveryOutbox } from '../deliveries/delivery-outbox';
import { DeliverySender } from '../deliveries/delivery-sender';
import { DestinationsService } from '../destinations/destinations.service';
import { TEST_CAUSE, TestPayload } from './test-message.composer';

export interface DestinationTestResult {
  deliveryId: string;
  status: string;
  outcome: string | null;
  statusCode: number | null;
  response: string | null;
  error: string | null;
  durationMs: number | null;
}

// "Does this destination work?": one notification.test message through the whole pipeline (a delivery row, logged,
// replayable, retried like any other; it is no event, so nothing else reacts to it), sent at once, answered with
// what the target said.
@Injectable()
export class DestinationTestsService {
  constructor(
    private readonly db: Database,
    private readonly destinations: DestinationsService,
    private readonly outbox: DeliveryOutbox,
    private readonly sender: DeliverySender,
    private readonly deliveries: DeliveriesService,
  ) {}

  async test(caller: Principal, id: string): Promise<DestinationTestResult> {
    const d = await this.destinations.get(caller.organizationId, id);
    const payload: TestPayload = { destinationId: d.id, destinationName: d.name, requestedBy: `api:${caller.keyId}`, requestedAt: new Date().toISOString() };
    const [row]: { id: string }[] = await this.db.dataSource.query(
      this.outbox.insertSql(`SELECT $1::uuid, $2::uuid, $3, '${TEST_CAUSE}', $4::text, '${TEST_CAUSE}:' || gen_random_uuid(), $5::jsonb, $6::uuid`, true),
      [d.organizationId, d.customerId, d.kind, d.id, JSON.stringify(payload), d.id],
    );
    // Sent here rather than by a queued job, so that the answer carries the outcome; a lost process leaves a due row
    // that the deliveries sweep picks up.
    await this.sender.send(row.id, undefined, { evenIfDisabled: true });
    const { delivery, attempts } = await this.deliveries.get(caller.organizationId, row.id);
    const last = attempts[attempts.length - 1];
    const response = last?.response ?? null;
    const statusCode = typeof response?.status === 'number' ? response.status : null;
    const said = typeof response?.body === 'string' ? response.body : typeof response?.reply === 'string' ? response.reply : null;
    return {
      deliveryId: delivery.id, status: delivery.status, outcome: last?.outcome ?? null, statusCode, response: said,
      error: last?.error ?? null, durationMs: last?.durationMs ?? null,
    };
  }
}
