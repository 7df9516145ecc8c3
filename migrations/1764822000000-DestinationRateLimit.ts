import { MigrationInterface, QueryRunner } from 'typeorm';

export class DestinationRateLimit1764822000000 implements MigrationInterface {
  name = 'DestinationRateLimit1764822000000';

  async up(q: QueryRunner): Promise<void> {
    // Messages per minute a destination takes (null: unlimited), held across all replicas: the send slots reserved
    // for it, newest last, at most rate_limit_per_minute of them and none older than the window; a send takes the
    // next slot under a row lock, so no window ever holds more than the limit, whichever replica sends.
    await q.query(`ALTER TABLE destinations ADD COLUMN rate_limit_per_minute int CHECK (rate_limit_per_minute BETWEEN 1 AND 6000)`);
    await q.query(`
      CREATE TABLE destination_send_slots (
        destination_id uuid PRIMARY KEY REFERENCES destinations(id) ON DELETE CASCADE,
        slots timestamptz[] NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE destination_send_slots`);
    await q.query(`ALTER TABLE destinations DROP COLUMN rate_limit_per_minute`);
  }
}
