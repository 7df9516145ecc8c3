import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Database } from '../db/database';
import { JobEngine } from '../jobs/job-engine';
import { DeliveryJobs } from './delivery-jobs';
import { reserveSlot } from './send-slots';

// A destination's rate limit, held in PostgreSQL so that all replicas share it: each send reserves a slot in the
// destination's row of destination_send_slots under its row lock (reserveSlot), by the database's clock. A send whose
// slot is later waits for it: its row is due then, and its job is queued to start then with the slot in its payload
// (the holder of a slot sends without reserving again). Nothing is dropped and nothing polls.
@Injectable()
export class DeliveryRateLimit {
  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly jobs: JobEngine,
    private readonly types: DeliveryJobs,
  ) {}

  // null: send now. A date: held back until then (re-queued), or no longer pending (nothing to hold).
  async admit(deliveryId: string, destinationId: string, perMinute: number): Promise<Date | null> {
    const windowMs = this.config.deliveries.rateWindowSeconds * 1000;
    return this.db.transaction(async (em) => {
      await em.query(`INSERT INTO destination_send_slots (destination_id) VALUES ($1) ON CONFLICT DO NOTHING`, [destinationId]);
      const [row]: { slots: number[] }[] = await em.query(
        `SELECT ARRAY(SELECT (extract(epoch FROM s) * 1000)::float8 FROM unnest(slots) WITH ORDINALITY u(s, i) ORDER BY i) AS slots
         FROM destination_send_slots WHERE destination_id = $1 FOR UPDATE`,
        [destinationId],
      );
      // The clock read after the lock: a send that waited for it is not given a moment already past.
      const [{ now }]: { now: number }[] = await em.query(`SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now`);
      const { at, log } = reserveSlot(row.slots.map(Number), now, perMinute, windowMs);
      if (at > now) {
        const held: unknown[] = await em.query(
          `WITH h AS (UPDATE deliveries SET next_attempt_at = to_timestamp($2::float8 / 1000), updated_at = now()
                      WHERE id = $1 AND status IN ('pending', 'failed') RETURNING id)
           SELECT id FROM h`,
          [deliveryId, at],
        );
        if (!held.length) return new Date(at); // sent or settled meanwhile: no slot taken
        await this.jobs.send(this.types.send, { deliveryId, slot: new Date(at).toISOString() }, { dedupeKey: `${deliveryId}:slot:${at}`, startAfter: new Date(at), tx: em });
      }
      await em.query(
        `UPDATE destination_send_slots SET slots = ARRAY(SELECT to_timestamp(x / 1000) FROM unnest($2::float8[]) WITH ORDINALITY u(x, i) ORDER BY i), updated_at = now()
         WHERE destination_id = $1`,
        [destinationId, log],
      );
      return at > now ? new Date(at) : null;
    });
  }
}
