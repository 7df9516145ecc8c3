import { MigrationInterface, QueryRunner } from 'typeorm';

export class PortalCountersLast1764823000000 implements MigrationInterface {
  name = 'PortalCountersLast1764823000000';

  async up(q: QueryRunner): Promise<void> {
    // portal.counters: the last message to a destination for a customer (sent only when its figures differ).
    await q.query(`CREATE INDEX deliveries_portal_counters_last ON deliveries (destination_id, customer_id, created_at DESC)
                   WHERE cause_type = 'portal.counters'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deliveries_portal_counters_last`);
  }
}
