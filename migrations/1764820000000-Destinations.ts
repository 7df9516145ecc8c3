import { MigrationInterface, QueryRunner } from 'typeorm';

export class Destinations1764820000000 implements MigrationInterface {
  name = 'Destinations1764820000000';

  async up(q: QueryRunner): Promise<void> {
    // Destinations as configured objects: a kind (email, webhook, later WHMCS, Slack, …), kind-specific config, and
    // secrets sealed by the secret box (or env:NAME references) that the API never shows. previous_secrets: the
    // signing secrets before a rotation, still sent along until secrets_overlap_until.
    await q.query(`
      CREATE TABLE destinations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        customer_id uuid REFERENCES customers(id) ON DELETE CASCADE,
        kind text NOT NULL,
        name text NOT NULL,
        config jsonb NOT NULL DEFAULT '{}',
        secrets jsonb NOT NULL DEFAULT '{}',
        previous_secrets jsonb,
        secrets_overlap_until timestamptz,
        state text NOT NULL DEFAULT 'enabled' CHECK (state IN ('enabled', 'disabled')),
        disabled_reason text,
        disabled_at timestamptz,
        last_success_at timestamptz,
        last_failure_at timestamptz,
        last_failure text,
        consecutive_failures int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX destinations_org_created ON destinations (organization_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX destinations_customer ON destinations (customer_id) WHERE customer_id IS NOT NULL`);
    // A delivery to a configured destination references its row; deliveries written before (and the customers' own
    // recipients of digests and urgent alerts, the implicit email destination) keep destination_id NULL, with the
    // kind in `destination` and the recipients in the payload as before: readable and replayable unchanged. A deleted
    // destination leaves its deliveries in the log (SET NULL); they can no longer be sent.
    await q.query(`ALTER TABLE deliveries ADD COLUMN destination_id uuid REFERENCES destinations(id) ON DELETE SET NULL`);
    await q.query(`CREATE INDEX deliveries_destination ON deliveries (destination_id, created_at) WHERE destination_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries DROP COLUMN destination_id`);
    await q.query(`DROP TABLE destinations`);
  }
}
