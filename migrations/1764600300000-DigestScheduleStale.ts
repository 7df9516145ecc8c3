import { MigrationInterface, QueryRunner } from 'typeorm';

export class DigestScheduleStale1764600300000 implements MigrationInterface {
  name = 'DigestScheduleStale1764600300000';

  async up(q: QueryRunner): Promise<void> {
    // A subscription without its own time zone follows its customer's, and its next_due_at was computed in that zone.
    // When the customer's zone changes (API, CSV import, any UPDATE), the row is marked here, in the same statement,
    // and the scheduler's next tick computes its next send in the new zone (DigestScheduler.reschedule). Without it
    // the first send after the change went out at the old zone's local time, for a period of the new zone.
    await q.query(`ALTER TABLE digest_subscriptions ADD COLUMN schedule_stale boolean NOT NULL DEFAULT false`);
    await q.query(`CREATE INDEX digest_subscriptions_stale ON digest_subscriptions (customer_id) WHERE schedule_stale`);
    await q.query(`
      CREATE FUNCTION digest_schedule_stale() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE digest_subscriptions SET schedule_stale = true
        WHERE customer_id = NEW.id AND time_zone IS NULL AND cadence <> 'off' AND NOT schedule_stale;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER customers_time_zone_changed AFTER UPDATE OF time_zone ON customers
      FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) EXECUTE FUNCTION digest_schedule_stale()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER customers_time_zone_changed ON customers`);
    await q.query(`DROP FUNCTION digest_schedule_stale()`);
    await q.query(`ALTER TABLE digest_subscriptions DROP COLUMN schedule_stale`);
  }
}
