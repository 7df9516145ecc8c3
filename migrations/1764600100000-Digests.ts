import { MigrationInterface, QueryRunner } from 'typeorm';

export class Digests1764600100000 implements MigrationInterface {
  name = 'Digests1764600100000';

  async up(q: QueryRunner): Promise<void> {
    // One per customer; no row = digests off. next_due_at is the next local send moment (null when off), so the
    // scheduler finds due customers with one index range scan instead of evaluating every time zone each minute.
    await q.query(`
      CREATE TABLE digest_subscriptions (
        customer_id uuid PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        cadence text NOT NULL DEFAULT 'off',
        day_of_week smallint NOT NULL DEFAULT 1,
        send_time text NOT NULL DEFAULT '08:00',
        time_zone text,
        locale text,
        recipients text[] NOT NULL DEFAULT '{}',
        skip_when_empty boolean NOT NULL DEFAULT true,
        include_kinds text[],
        urgent_kinds text[] NOT NULL DEFAULT '{}',
        next_due_at timestamptz,
        active_since timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX digest_subscriptions_due ON digest_subscriptions (next_due_at) WHERE cadence <> 'off'`);
    await q.query(`CREATE INDEX digest_subscriptions_org ON digest_subscriptions (organization_id)`);

    // The ledger: one row per email. (customer, cadence, period start, generation) is unique: the scheduler only
    // ever writes generation 0, so a period cannot be sent twice by it, whatever the number of replicas or crashes;
    // an explicit resend is a new generation, logged with who asked for it.
    await q.query(`
      CREATE TABLE digests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        cadence text NOT NULL,
        period_start timestamptz NOT NULL,
        period_end timestamptz NOT NULL,
        generation int NOT NULL DEFAULT 0,
        resend_of uuid REFERENCES digests(id) ON DELETE SET NULL,
        requested_by text NOT NULL DEFAULT 'scheduler',
        scheduled_at timestamptz NOT NULL,
        late boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'pending',
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        failure_kind text,
        message_id text,
        sent_at timestamptz,
        recipients text[] NOT NULL DEFAULT '{}',
        rejected text[] NOT NULL DEFAULT '{}',
        subject text,
        html text,
        text text,
        counts jsonb,
        template_key text,
        lease_owner text,
        lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT digests_once UNIQUE (customer_id, cadence, period_start, generation)
      )`);
    await q.query(`CREATE INDEX digests_org_created ON digests (organization_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX digests_sending ON digests (lease_until) WHERE status = 'sending'`);
    // Rendered HTML is kept for GET /v1/digests/:id; lz4 compresses it several times faster than the default pglz.
    const lz4 = await q.query(`SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)`);
    if (lz4.length) for (const c of ['html', 'text']) await q.query(`ALTER TABLE digests ALTER COLUMN ${c} SET COMPRESSION lz4`);

    // The aggregation reads a customer's events of a period (and the one before) from the index alone.
    await q.query(`
      CREATE INDEX events_org_customer_time ON events (organization_id, customer_id, occurred_at)
      INCLUDE (kind, severity_rank, site_id) WHERE customer_id IS NOT NULL`);
    // A site's latest protection state without walking its detections.
    await q.query(`CREATE INDEX events_site_protection ON events (site_id, occurred_at DESC) WHERE kind IN ('protection_changed', 'agent_status') AND site_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX events_site_protection`);
    await q.query(`DROP INDEX events_org_customer_time`);
    await q.query(`DROP TABLE digests`);
    await q.query(`DROP TABLE digest_subscriptions`);
  }
}
