import { MigrationInterface, QueryRunner } from 'typeorm';

export class CustomerPage1764807000000 implements MigrationInterface {
  name = 'CustomerPage1764807000000';

  async up(q: QueryRunner): Promise<void> {
    // How long a customer-page link in a mail keeps working, counted from when the mail was made (per brand).
    await q.query(`ALTER TABLE brands ADD COLUMN customer_page_ttl_days int NOT NULL DEFAULT 90`);
    // "Revoke the links": every link made before revoked_before stops working; links made after work. Nothing is read
    // on the send path (a link carries when it was made), so revoking needs no per-link rows.
    await q.query(`
      CREATE TABLE customer_page_revocations (
        customer_id uuid PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL,
        revoked_before timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE customer_page_revocations`);
    await q.query(`ALTER TABLE brands DROP COLUMN customer_page_ttl_days`);
  }
}
