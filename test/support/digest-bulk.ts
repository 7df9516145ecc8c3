import type { Database } from '../../src/db/database';

// Many subscribed customers at once, straight into the tables: daily at 00:00 UTC, due since a minute ago, so
// the next tick queues one digest each (skip-when-empty off: no events needed).
export async function dueCustomers(db: Database, organizationId: string, prefix: string, n: number): Promise<{ id: string; email: string }[]> {
  const rows: { id: string; email: string }[] = await db.dataSource.query(
    `INSERT INTO customers (organization_id, external_ref, name, emails, time_zone)
     SELECT $1, $2 || i, 'Customer ' || $2 || i, ARRAY[$2 || i || '@bulk.example'], 'UTC' FROM generate_series(1, $3) AS i
     RETURNING id, emails[1] AS email`,
    [organizationId, prefix, n],
  );
  await db.dataSource.query(
    `INSERT INTO digest_subscriptions (customer_id, organization_id, cadence, send_time, time_zone, skip_when_empty, next_due_at, active_since)
     SELECT unnest($1::uuid[]), $2, 'daily', '00:00', 'UTC', false, now() - interval '1 minute', now() - interval '3 days'`,
    [rows.map((r) => r.id), organizationId],
  );
  return rows;
}

export async function statuses(db: Database, customerIds: string[]): Promise<Map<string, string[]>> {
  const rows: { customer_id: string; status: string }[] = await db.dataSource.query(
    `SELECT customer_id, status FROM digests WHERE customer_id = ANY($1::uuid[]) ORDER BY generation`, [customerIds],
  );
  const map = new Map<string, string[]>();
  for (const r of rows) map.set(r.customer_id, [...(map.get(r.customer_id) ?? []), r.status]);
  return map;
}
