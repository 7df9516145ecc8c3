import { MigrationInterface, QueryRunner } from 'typeorm';

export class Contacts1764852000000 implements MigrationInterface {
  name = 'Contacts1764852000000';

  async up(q: QueryRunner): Promise<void> {
    // A person (operator staff, or one of a customer's technical contacts) with their zone and quiet hours; their
    // channels are destinations with contact_id set.
    await q.query(`
      CREATE TABLE contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        customer_id uuid REFERENCES customers(id) ON DELETE CASCADE,
        name text NOT NULL,
        time_zone text NOT NULL DEFAULT 'UTC',
        quiet_hours jsonb,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX contacts_org_created ON contacts (organization_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX contacts_customer ON contacts (customer_id) WHERE customer_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE contact_groups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX contact_groups_org_created ON contact_groups (organization_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE contact_group_members (
        group_id uuid NOT NULL REFERENCES contact_groups(id) ON DELETE CASCADE,
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        PRIMARY KEY (group_id, contact_id)
      )`);
    await q.query(`CREATE INDEX contact_group_members_contact ON contact_group_members (contact_id)`);

    // A contact's channel: a destination like any other, deleted with its contact.
    await q.query(`ALTER TABLE destinations ADD COLUMN contact_id uuid REFERENCES contacts(id) ON DELETE CASCADE`);
    await q.query(`CREATE INDEX destinations_contact ON destinations (contact_id) WHERE contact_id IS NOT NULL`);

    // The operator contact group that hears the pipeline's notices (before the admin e-mail fallback).
    await q.query(`ALTER TABLE organizations ADD COLUMN notice_contact_group_id uuid REFERENCES contact_groups(id) ON DELETE SET NULL`);
    // A vendor account's failure streak the operator was told of (set once per streak, cleared by the success that
    // sends the recovery notice): an operator's edit that resets the status does not lose the recovery.
    await q.query(`ALTER TABLE vendor_accounts ADD COLUMN failure_noticed_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE vendor_accounts DROP COLUMN failure_noticed_at`);
    await q.query(`ALTER TABLE organizations DROP COLUMN notice_contact_group_id`);
    await q.query(`ALTER TABLE destinations DROP COLUMN contact_id`);
    await q.query(`DROP TABLE contact_group_members`);
    await q.query(`DROP TABLE contact_groups`);
    await q.query(`DROP TABLE contacts`);
  }
}
