import { CLEANING_KINDS, OPEN_KINDS, SITE_PROTECTION_JOIN_SQL, sqlList, THREAT_IDENT_SQL, THREAT_KINDS } from '../events/threat-sql';

// The rollup behind GET /v1/customers/:id/counters (table customer_counters, migrations/…CustomerCounters): per
// customer and calendar month in its time zone, rows keyed
//   kind:<kind>                    n = events of that kind
//   cleaned:<site id>              a site with a cleaning action (cleanup, quarantine, deletion, kill, block)
//   threat:<site id>:<md5 of ident> the threat's latest event (last_at, last_id, last_kind), as /v1/stats decides a
//                                  threat's status (events/threat-sql.ts): open when it is a detection or a restore
// so that every figure is one index range of a few rows per kind, site and threat, whatever the count of events.
// Only events of the last 63 days are rolled up: the counters read this month and the one before, which starts at
// most 62 days ago (plus a zone's offset).
export const ROLLUP_WINDOW = `interval '63 days'`;

const monthOf = (at: string, tz: string) => `(date_trunc('month', ${at} AT TIME ZONE ${tz}))::date`;

// The rollup rows of a set of events (a relation with id, kind, customer_id, site_id, file_path, process,
// threat_name, occurred_at), in key order so that concurrent writers lock rows in the same order.
export function rollupRowsSql(events: string): string {
  return `WITH m AS (
      SELECT e.id, e.kind, e.customer_id, e.site_id, e.occurred_at, ${THREAT_IDENT_SQL} AS ident, ${monthOf('e.occurred_at', 'c.time_zone')} AS month
      FROM ${events} e JOIN customers c ON c.id = e.customer_id
      WHERE e.occurred_at >= now() - ${ROLLUP_WINDOW}
    )
    SELECT * FROM (
      SELECT customer_id, month, 'kind:' || kind AS key, count(*)::int AS n, NULL::timestamptz AS last_at, NULL::bigint AS last_id, NULL::text AS last_kind
      FROM m GROUP BY customer_id, month, kind
      UNION ALL
      SELECT DISTINCT customer_id, month, 'cleaned:' || site_id, 0, NULL::timestamptz, NULL::bigint, NULL::text
      FROM m WHERE site_id IS NOT NULL AND kind = ANY(${sqlList(CLEANING_KINDS)})
      UNION ALL
      (SELECT DISTINCT ON (customer_id, month, site_id, ident) customer_id, month, 'threat:' || coalesce(site_id::text, '-') || ':' || md5(ident), 0, occurred_at, id, kind
       FROM m WHERE kind = ANY(${sqlList(THREAT_KINDS)})
       ORDER BY customer_id, month, site_id, ident, occurred_at DESC, id DESC)
    ) x ORDER BY customer_id, month, key`;
}

// Adds rows to the rollup: counts add up, a threat keeps its latest event (by time, then id).
export function rollupUpsertSql(events: string): string {
  const newer = `(EXCLUDED.last_at, EXCLUDED.last_id) > (t.last_at, t.last_id)`;
  return `INSERT INTO customer_counters AS t (customer_id, month, key, n, last_at, last_id, last_kind)
    ${rollupRowsSql(events)}
    ON CONFLICT (customer_id, month, key) DO UPDATE SET n = t.n + EXCLUDED.n,
      last_at = CASE WHEN ${newer} THEN EXCLUDED.last_at ELSE t.last_at END,
      last_id = CASE WHEN ${newer} THEN EXCLUDED.last_id ELSE t.last_id END,
      last_kind = CASE WHEN ${newer} THEN EXCLUDED.last_kind ELSE t.last_kind END`;
}

// A customer's rollup from its events ($1 customer), after its rows were deleted.
export const REBUILD_SQL = rollupUpsertSql(
  `(SELECT id, kind, customer_id, site_id, file_path, process, threat_name, occurred_at FROM events WHERE customer_id = $1 AND occurred_at >= now() - ${ROLLUP_WINDOW})`,
);

const cleaningKeys = `'{${CLEANING_KINDS.map((k) => `kind:${k}`).join(',')}}'::text[]`;

// $1 customer, $2 organization. One row (none for another organization's customer): the figures of the customer's
// current local month and the one before (one pass over their rollup rows), its protected sites, and whether its
// rollup is waiting for a rebuild.
export const READ_SQL = `
WITH c AS (
  SELECT id, time_zone, ${monthOf('now()', 'time_zone')} AS this_month FROM customers WHERE id = $1 AND organization_id = $2
)
SELECT c.time_zone AS "timeZone", to_char(c.this_month, 'YYYY-MM') AS month, to_char(c.this_month - interval '1 month', 'YYYY-MM') AS "lastMonth",
  count(*) FILTER (WHERE r.month = c.this_month AND starts_with(r.key, 'cleaned:'))::int AS "sitesCleanedThisMonth",
  count(*) FILTER (WHERE r.month = c.this_month AND r.last_kind = ANY(${sqlList(OPEN_KINDS)}))::int AS "openThreats",
  coalesce(sum(r.n) FILTER (WHERE r.month = c.this_month AND r.key = 'kind:detection'), 0)::int AS "detectionsThisMonth",
  coalesce(sum(r.n) FILTER (WHERE r.month < c.this_month AND r.key = 'kind:detection'), 0)::int AS "detectionsLastMonth",
  coalesce(sum(r.n) FILTER (WHERE r.month = c.this_month AND r.key = ANY(${cleaningKeys})), 0)::int AS "cleanupsThisMonth",
  coalesce(sum(r.n) FILTER (WHERE r.month < c.this_month AND r.key = ANY(${cleaningKeys})), 0)::int AS "cleanupsLastMonth",
  (SELECT count(*) FROM sites si
${SITE_PROTECTION_JOIN_SQL.replace('$5', 'now()')}   WHERE si.customer_id = c.id AND coalesce(p.protection, 'protected') = 'protected')::int AS "protectedSites",
  EXISTS (SELECT 1 FROM customer_counters_stale s WHERE s.customer_id = c.id) AS stale
FROM c LEFT JOIN customer_counters r ON r.customer_id = c.id AND r.month IN (c.this_month, (c.this_month - interval '1 month')::date)
GROUP BY c.id, c.time_zone, c.this_month`;
