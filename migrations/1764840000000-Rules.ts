import { MigrationInterface, QueryRunner } from 'typeorm';

export class Rules1764840000000 implements MigrationInterface {
  name = 'Rules1764840000000';

  async up(q: QueryRunner): Promise<void> {
    // A rule as the operator wrote it: the trigger, scope, actions and quiet hours as jsonb (checked by
    // src/rules/rule-check.ts before they get here), the timing settings as columns.
    await q.query(`
      CREATE TABLE rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        trigger_type text NOT NULL CHECK (trigger_type IN ('event', 'threshold', 'transition', 'schedule')),
        trigger jsonb NOT NULL,
        scope jsonb NOT NULL DEFAULT '{}',
        actions jsonb NOT NULL,
        cooldown_seconds int NOT NULL DEFAULT 0 CHECK (cooldown_seconds >= 0),
        group_window_seconds int NOT NULL DEFAULT 60 CHECK (group_window_seconds >= 0),
        dedupe_key text NOT NULL,
        quiet_hours jsonb,
        preset text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX rules_org_created ON rules (organization_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX rules_org_enabled ON rules (organization_id, trigger_type) WHERE enabled`);

    // Everything a rule remembers per group (a customer, site, server, or the organization), one row, locked by
    // whoever evaluates the group so that replicas take turns: whether a threshold is armed, a transition's state and
    // its open incident, the cooldown and what it suppressed, and the firing collecting a burst.
    await q.query(`
      CREATE TABLE rule_groups (
        rule_id uuid NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
        group_key text NOT NULL,
        armed boolean NOT NULL DEFAULT true,
        state text,
        incident text,
        state_changed_at timestamptz,
        last_seen_at timestamptz,
        cooldown_until timestamptz,
        suppressed int NOT NULL DEFAULT 0,
        open_firing_id uuid,
        open_until timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (rule_id, group_key)
      )`);

    // A threshold's count per rule and group in 60 steps of its window (a 30-day window counts in 12-hour steps), so
    // that a batch costs one upsert and one sum of at most 60 rows whatever the traffic (threshold-crossing.ts).
    await q.query(`
      CREATE TABLE rule_counts (
        rule_id uuid NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
        group_key text NOT NULL,
        bucket bigint NOT NULL,
        n int NOT NULL,
        PRIMARY KEY (rule_id, group_key, bucket)
      )`);

    // Each threat of a site (as threat-sql.ts identifies it) and whether its last event left it open; and each site's
    // latest protection reading: the per-site state infection and protection transitions read, kept up to date
    // from each batch (and filled from the stored events when such a rule is saved), never recounted from history.
    await q.query(`
      CREATE TABLE site_threat_states (
        site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        ident text NOT NULL,
        open boolean NOT NULL,
        at timestamptz NOT NULL,
        event_id bigint NOT NULL,
        PRIMARY KEY (site_id, ident)
      )`);
    await q.query(`CREATE INDEX site_threat_states_open ON site_threat_states (site_id) WHERE open`);
    await q.query(`
      CREATE TABLE site_protection_states (
        site_id uuid PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
        vendor_type text,
        mode text,
        at timestamptz NOT NULL,
        event_id bigint NOT NULL
      )`);

    // One row per firing: the incident it is about, the events in it (the first 50 ids, and how many), what the
    // cooldown held back before it, and when it goes out. (rule, dedupe key) is unique: the same incident fires once
    // whatever the replicas, re-polls, duplicate pushes or restarts; its deliveries carry the same key.
    await q.query(`
      CREATE TABLE rule_firings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        rule_id uuid NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
        group_key text NOT NULL,
        customer_id uuid REFERENCES customers(id) ON DELETE SET NULL,
        incident text NOT NULL,
        dedupe_key text NOT NULL,
        status text NOT NULL DEFAULT 'collecting' CHECK (status IN ('collecting', 'held', 'sent')),
        first_at timestamptz NOT NULL,
        send_at timestamptz NOT NULL,
        sent_at timestamptz,
        event_count int NOT NULL DEFAULT 0,
        event_ids bigint[] NOT NULL DEFAULT '{}',
        max_severity_rank smallint NOT NULL DEFAULT 0,
        suppressed int NOT NULL DEFAULT 0,
        data jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT rule_firings_once UNIQUE (rule_id, dedupe_key)
      )`);
    await q.query(`CREATE INDEX rule_firings_rule_created ON rule_firings (rule_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX rule_firings_due ON rule_firings (send_at) WHERE status <> 'sent'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rule_firings`);
    await q.query(`DROP TABLE site_protection_states`);
    await q.query(`DROP TABLE site_threat_states`);
    await q.query(`DROP TABLE rule_counts`);
    await q.query(`DROP TABLE rule_groups`);
    await q.query(`DROP TABLE rules`);
  }
}
