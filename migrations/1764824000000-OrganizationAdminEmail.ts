import { MigrationInterface, QueryRunner } from 'typeorm';

export class OrganizationAdminEmail1764824000000 implements MigrationInterface {
  name = 'OrganizationAdminEmail1764824000000';

  async up(q: QueryRunner): Promise<void> {
    // Where operator notices (destination.disabled / recovered) go when no destination is flagged operatorNotices.
    await q.query(`ALTER TABLE organizations ADD COLUMN admin_email text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE organizations DROP COLUMN admin_email`);
  }
}
