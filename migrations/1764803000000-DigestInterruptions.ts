import { MigrationInterface, QueryRunner } from 'typeorm';

export class DigestInterruptions1764803000000 implements MigrationInterface {
  name = 'DigestInterruptions1764803000000';

  async up(q: QueryRunner): Promise<void> {
    // How many times a send of this row was cut off after its claim (lease ran out mid-SMTP). With
    // DIGEST_UNKNOWN_POLICY=resend the first interruption sends the row once more under the same Message-ID; a
    // second one (or any under `hold`) leaves it `unknown`. A constant default: no table rewrite.
    await q.query(`ALTER TABLE digests ADD COLUMN interruptions int NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE digests DROP COLUMN interruptions`);
  }
}
