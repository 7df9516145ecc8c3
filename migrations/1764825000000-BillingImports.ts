import { MigrationInterface, QueryRunner } from 'typeorm';

export class BillingImports1764825000000 implements MigrationInterface {
  name = 'BillingImports1764825000000';

  async up(q: QueryRunner): Promise<void> {
    // A customer import from a billing system (WHMCS, Blesta): its progress while it runs (kept page by page, so a
    // run cut off resumes) and its report after. One run at a time per destination.
    await q.query(`
      CREATE TABLE billing_imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        destination_id uuid REFERENCES destinations(id) ON DELETE SET NULL,
        system text NOT NULL,
        trigger text NOT NULL,
        requested_by text,
        status text NOT NULL DEFAULT 'queued',
        progress jsonb NOT NULL DEFAULT '{}'::jsonb,
        report jsonb,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX billing_imports_one_running ON billing_imports (destination_id) WHERE status IN ('queued', 'fetching', 'writing')`);
    await q.query(`CREATE INDEX billing_imports_by_org ON billing_imports (organization_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE billing_imports`);
  }
}
