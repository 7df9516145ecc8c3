import { MigrationInterface, QueryRunner } from 'typeorm';

export class CustomerCounters1764830000000 implements MigrationInterface {
  name = 'CustomerCounters1764830000000';

  async up(q: QueryRunner): Promise<void> {
    // GET /v1/customers/:id/counters' rollup (src/counters/counters-sql.ts): per customer and local month, events by
    // kind ('kind:<kind>', n), sites with a cleaning action ('cleaned:<site id>') and each threat's latest event
    // ('threat:<site id>:<md5 of its identity>', last_*). Written by the insert of new events (a new-events hook).
    await q.query(`
      CREATE TABLE customer_counters (
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        month date NOT NULL,
        key text NOT NULL,
        n integer NOT NULL DEFAULT 0,
        last_at timestamptz,
        last_id bigint,
        last_kind text,
        PRIMARY KEY (customer_id, month, key)
      )`);
    // Customers whose rollup no longer matches their events (a rematch, a purge, a new time zone): rebuilt by the
    // counters.rebuild-stale job, or by the first read before it. gen changes with every new mark, so that a rebuild
    // clears only the mark it saw. No foreign key: a customer's deletion marks it (its events become unmatched).
    await q.query(`CREATE TABLE customer_counters_stale (customer_id uuid PRIMARY KEY, gen bigint NOT NULL DEFAULT 1)`);
    // The marks are set by triggers, so that every path that changes events or a time zone (rematch, site and customer
    // deletion through their foreign keys, retention) is covered, without those features knowing of the rollup. Only
    // events of the last 63 days count: the counters read this and last month (a month before this one starts at
    // most 62 days ago, plus a zone's offset).
    await q.query(`
      CREATE FUNCTION customer_counters_stale_mark(ids uuid[]) RETURNS void LANGUAGE sql AS $$
        INSERT INTO customer_counters_stale (customer_id)
        SELECT DISTINCT id FROM unnest(ids) id WHERE id IS NOT NULL ORDER BY id
        ON CONFLICT (customer_id) DO UPDATE SET gen = customer_counters_stale.gen + 1
      $$`);
    await q.query(`
      CREATE FUNCTION customer_counters_events_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM customer_counters_stale_mark(array_agg(x.customer_id)) FROM (
          SELECT o.customer_id FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE (o.customer_id IS DISTINCT FROM n.customer_id OR o.site_id IS DISTINCT FROM n.site_id OR o.kind <> n.kind
                 OR o.occurred_at <> n.occurred_at) AND o.occurred_at >= now() - interval '63 days'
          UNION
          SELECT n.customer_id FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE (o.customer_id IS DISTINCT FROM n.customer_id OR o.site_id IS DISTINCT FROM n.site_id OR o.kind <> n.kind
                 OR o.occurred_at <> n.occurred_at) AND n.occurred_at >= now() - interval '63 days'
        ) x HAVING count(x.customer_id) > 0;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER events_customer_counters_update AFTER UPDATE ON events
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_counters_events_updated()`);
    await q.query(`
      CREATE FUNCTION customer_counters_events_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM customer_counters_stale_mark(array_agg(o.customer_id)) FROM old_rows o
        WHERE o.customer_id IS NOT NULL AND o.occurred_at >= now() - interval '63 days' HAVING count(*) > 0;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER events_customer_counters_delete AFTER DELETE ON events
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_counters_events_deleted()`);
    await q.query(`
      CREATE FUNCTION customer_counters_time_zone_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM customer_counters_stale_mark(ARRAY[NEW.id]);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER customers_counters_time_zone AFTER UPDATE OF time_zone ON customers
      FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) EXECUTE FUNCTION customer_counters_time_zone_changed()`);
    // Events stored before this migration: every customer is built once.
    await q.query(`INSERT INTO customer_counters_stale (customer_id) SELECT id FROM customers`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER customers_counters_time_zone ON customers`);
    await q.query(`DROP TRIGGER events_customer_counters_delete ON events`);
    await q.query(`DROP TRIGGER events_customer_counters_update ON events`);
    await q.query(`DROP FUNCTION customer_counters_time_zone_changed()`);
    await q.query(`DROP FUNCTION customer_counters_events_deleted()`);
    await q.query(`DROP FUNCTION customer_counters_events_updated()`);
    await q.query(`DROP FUNCTION customer_counters_stale_mark(uuid[])`);
    await q.query(`DROP TABLE customer_counters_stale`);
    await q.query(`DROP TABLE customer_counters`);
  }
}
