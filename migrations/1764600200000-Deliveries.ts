import { MigrationInterface, QueryRunner } from 'typeorm';

export class Deliveries1764600200000 implements MigrationInterface {
  name = 'Deliveries1764600200000';

  async up(q: QueryRunner): Promise<void> {
    // The outbox of every outbound message: written in the transaction of its cause, sent by a job through the
    // destination adapter. (organization, dedupe key) is unique: the same cause to the same destination exists once,
    // whatever the number of replicas, re-polls or duplicate pushes. attempt_base is `attempts` when the current
    // round began (a replay starts a new round with a fresh retry budget).
    await q.query(`
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        customer_id uuid REFERENCES customers(id) ON DELETE CASCADE,
        destination text NOT NULL,
        cause_type text NOT NULL,
        cause_id text NOT NULL,
        dedupe_key text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'dead')),
        attempts int NOT NULL DEFAULT 0,
        attempt_base int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        lease_owner text,
        lease_until timestamptz,
        replay_requested_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        CONSTRAINT deliveries_dedupe UNIQUE (organization_id, dedupe_key)
      )`);
    await q.query(`CREATE INDEX deliveries_org_created ON deliveries (organization_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX deliveries_org_cause ON deliveries (organization_id, cause_type, cause_id)`);
    await q.query(`CREATE INDEX deliveries_customer ON deliveries (customer_id) WHERE customer_id IS NOT NULL`);
    // The sweep: sends cut off by a crash (lease run out), and due rows whose job was lost.
    await q.query(`CREATE INDEX deliveries_sending ON deliveries (lease_until) WHERE status = 'sending'`);
    await q.query(`CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'failed')`);

    // One row per attempt, written when the attempt starts (outcome null while it runs) and completed with what was
    // sent (a summary: recipients, subject, ids; never credentials) and what came back, or the error.
    await q.query(`
      CREATE TABLE delivery_attempts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        attempt int NOT NULL,
        trigger text NOT NULL,
        requested_by text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        duration_ms int,
        outcome text,
        request jsonb,
        response jsonb,
        error text,
        CONSTRAINT delivery_attempts_once UNIQUE (delivery_id, attempt)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE delivery_attempts`);
    await q.query(`DROP TABLE deliveries`);
  }
}
