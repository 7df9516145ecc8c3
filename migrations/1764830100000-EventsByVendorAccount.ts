import { MigrationInterface, QueryRunner } from 'typeorm';

export class EventsByVendorAccount1764830100000 implements MigrationInterface {
  name = 'EventsByVendorAccount1764830100000';

  async up(q: QueryRunner): Promise<void> {
    // GET /v1/events?vendorAccountId=: the only list filter without an index of its own (a sequential scan of events
    // at 1,000,000 events, bench:api). Pushed events have no vendor account and stay out of it.
    await q.query(`CREATE INDEX events_vendor_account_time ON events (vendor_account_id, occurred_at DESC, id DESC) WHERE vendor_account_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX events_vendor_account_time`);
  }
}
