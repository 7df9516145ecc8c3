import { MigrationInterface, QueryRunner } from 'typeorm';

// A record that cannot be read is read again by every re-poll (overlap window, a retried page): it was a new
// rejected_records row each time (one invalid record became 3–5 rows, and as many counts on its vendor account).
// From here a rejected record is one row per (organization, source, resource, record key), upserted with a count and
// the time it was last seen; the key is the record's external id (hashed when long), or a hash of its payload when it
// has none.
export class RejectedRecordsUnique1764804000000 implements MigrationInterface {
  name = 'RejectedRecordsUnique1764804000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE rejected_records
        ADD COLUMN record_key text,
        ADD COLUMN times_seen integer NOT NULL DEFAULT 1,
        ADD COLUMN last_seen_at timestamptz`);
    // The same expression as EventStore.reject, so that rows written before and after this migration meet.
    await q.query(`
      UPDATE rejected_records SET record_key = CASE WHEN external_id IS NULL THEN 'raw:' || md5(COALESCE(raw::text, ''))
                                                     WHEN length(external_id) > 200 THEN 'id:' || md5(external_id) ELSE external_id END, last_seen_at = received_at`);

    const sameKey = `k.organization_id = r.organization_id AND k.source = r.source AND k.resource = r.resource AND k.record_key = r.record_key`;
    // Each duplicate row counted once on its vendor account: take those counts back.
    await q.query(`
      UPDATE vendor_accounts v SET records_rejected = GREATEST(0, v.records_rejected - d.extra)
      FROM (SELECT r.vendor_account_id, count(*) AS extra FROM rejected_records r
            WHERE r.vendor_account_id IS NOT NULL AND EXISTS (SELECT 1 FROM rejected_records k WHERE ${sameKey} AND k.id < r.id)
            GROUP BY r.vendor_account_id) d
      WHERE v.id = d.vendor_account_id`);
    // The first row of a key stays (its received_at is when the record was first seen), with the count, the last time
    // and the latest reason and payload of the group.
    await q.query(`
      UPDATE rejected_records r SET times_seen = g.n, last_seen_at = g.last, reason = g.reason, raw = g.raw, external_id = g.external_id
      FROM (SELECT DISTINCT ON (organization_id, source, resource, record_key) reason, raw, external_id,
                   count(*) OVER k AS n, max(received_at) OVER k AS last, min(id) OVER k AS keep
            FROM rejected_records
            WINDOW k AS (PARTITION BY organization_id, source, resource, record_key)
            ORDER BY organization_id, source, resource, record_key, id DESC) g
      WHERE r.id = g.keep AND g.n > 1`);
    await q.query(`DELETE FROM rejected_records r USING rejected_records k WHERE ${sameKey} AND k.id < r.id`);

    await q.query(`ALTER TABLE rejected_records ALTER COLUMN record_key SET NOT NULL`);
    await q.query(`ALTER TABLE rejected_records ALTER COLUMN last_seen_at SET NOT NULL, ALTER COLUMN last_seen_at SET DEFAULT now()`);
    await q.query(`CREATE UNIQUE INDEX rejected_records_identity ON rejected_records (organization_id, source, resource, record_key)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX rejected_records_identity`);
    await q.query(`ALTER TABLE rejected_records DROP COLUMN record_key, DROP COLUMN times_seen, DROP COLUMN last_seen_at`);
  }
}
