import { MigrationInterface, QueryRunner } from 'typeorm';

export class DestinationFailing1764821100000 implements MigrationInterface {
  name = 'DestinationFailing1764821100000';

  async up(q: QueryRunner): Promise<void> {
    // failing_since: the first failure since the last success (auto-disable after DESTINATION_AUTO_DISABLE_SECONDS);
    // operator_notices: the destination gets its organization's destination.disabled / destination.recovered.
    await q.query(`ALTER TABLE destinations ADD COLUMN failing_since timestamptz, ADD COLUMN operator_notices boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE destinations DROP COLUMN failing_since, DROP COLUMN operator_notices`);
  }
}
