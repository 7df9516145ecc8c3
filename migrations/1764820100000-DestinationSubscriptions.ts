import { MigrationInterface, QueryRunner } from 'typeorm';

export class DestinationSubscriptions1764820100000 implements MigrationInterface {
  name = 'DestinationSubscriptions1764820100000';

  async up(q: QueryRunner): Promise<void> {
    // The message types a destination subscribes to, explicitly (none: nothing is sent but its tests). Read inside
    // every ingestion insert, by organization: the organization index of destinations serves it.
    await q.query(`ALTER TABLE destinations ADD COLUMN event_types text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE destinations DROP COLUMN event_types`);
  }
}
