import { MigrationInterface, QueryRunner } from 'typeorm';

export class Ingestion1763856100000 implements MigrationInterface {
  name = 'Ingestion1763856100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        external_ref text NOT NULL,
        name text NOT NULL,
        emails text[] NOT NULL DEFAULT '{}',
        brand_id uuid,
        locale text NOT NULL DEFAULT 'en',
        time_zone text NOT NULL DEFAULT 'UTC',
        status text NOT NULL DEFAULT 'active',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (organization_id, external_ref)
      )`);
    await q.query(`CREATE INDEX customers_org_created ON customers (organization_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE sites (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        domains text[] NOT NULL DEFAULT '{}',
        server text,
        account_user text,
        vendor_site_ids text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sites_org_created ON sites (organization_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX sites_customer ON sites (customer_id)`);
    // One row per way an event can name a site ('vsid:<id>', 'dom:<domain>', 'acct:<server>|<user>'); events resolve
    // to a site by joining their candidate keys here, in SQL, a batch at a time.
    await q.query(`
      CREATE TABLE site_keys (
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        key text NOT NULL,
        site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        PRIMARY KEY (organization_id, key)
      )`);
    await q.query(`CREATE INDEX site_keys_site ON site_keys (site_id)`);

    await q.query(`
      CREATE TABLE vendor_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        vendor text NOT NULL,
        name text NOT NULL,
        base_url text,
        settings jsonb NOT NULL DEFAULT '{}',
        credentials jsonb NOT NULL DEFAULT '{}',
        poll_interval_seconds int NOT NULL DEFAULT 300,
        enabled boolean NOT NULL DEFAULT true,
        backfill_from timestamptz,
        status text NOT NULL DEFAULT 'pending',
        cursor jsonb,
        last_success_at timestamptz,
        last_attempt_at timestamptz,
        last_error text,
        last_error_at timestamptz,
        consecutive_failures int NOT NULL DEFAULT 0,
        events_ingested bigint NOT NULL DEFAULT 0,
        records_rejected bigint NOT NULL DEFAULT 0,
        next_poll_at timestamptz NOT NULL DEFAULT now(),
        lease_owner text,
        lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX vendor_accounts_org_created ON vendor_accounts (organization_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX vendor_accounts_due ON vendor_accounts (next_poll_at) WHERE enabled`);

    // source: 'va:<vendor account id>' for polled events, 'push:<name>' for pushed ones; (organization, source,
    // external id) is the identity that makes every ingest idempotent.
    await q.query(`
      CREATE TABLE events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        vendor_account_id uuid REFERENCES vendor_accounts(id) ON DELETE SET NULL,
        source text NOT NULL,
        external_id text NOT NULL,
        kind text NOT NULL,
        vendor_type text NOT NULL,
        classification text,
        severity text,
        severity_rank smallint NOT NULL DEFAULT 0,
        server text,
        agent_id text,
        account_user text,
        domain text,
        vendor_site_id text,
        file_path text,
        file_hash text,
        process text,
        threat_name text,
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        customer_id uuid REFERENCES customers(id) ON DELETE SET NULL,
        site_id uuid REFERENCES sites(id) ON DELETE SET NULL,
        match_rule text,
        raw jsonb NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX events_identity ON events (organization_id, source, external_id)`);
    await q.query(`CREATE INDEX events_org_time ON events (organization_id, occurred_at DESC, id DESC)`);
    await q.query(`CREATE INDEX events_customer_time ON events (customer_id, occurred_at DESC) WHERE customer_id IS NOT NULL`);
    await q.query(`CREATE INDEX events_site_time ON events (site_id, occurred_at DESC) WHERE site_id IS NOT NULL`);
    await q.query(`CREATE INDEX events_unmatched ON events (organization_id, id) WHERE customer_id IS NULL`);
    await q.query(`CREATE INDEX events_received ON events (received_at)`);

    await q.query(`
      CREATE TABLE rejected_records (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        vendor_account_id uuid REFERENCES vendor_accounts(id) ON DELETE CASCADE,
        source text NOT NULL,
        resource text NOT NULL,
        external_id text,
        reason text NOT NULL,
        raw jsonb,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX rejected_records_org ON rejected_records (organization_id, received_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['rejected_records', 'events', 'vendor_accounts', 'site_keys', 'sites', 'customers']) await q.query(`DROP TABLE ${t}`);
  }
}
