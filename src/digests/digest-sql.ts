// The aggregation of one customer's period in one statement: PostgreSQL reads the events (from the covering index
// events_org_customer_time for counts; the heap only for the threat kinds), groups them, ranks the sites and threats
// and returns a single row of JSON bounded by the list limits, whatever the number of events or sites.
//
// $1 organization, $2 customer, $3 previous period start, $4 period start, $5 period end (exclusive),
// $6 counted kinds (text[]; null = all), $7 month start ("sites cleaned this month"), $8 top threats, $9 sites.
//
// A threat is (site, file path | process | threat name); its status is its last event in the period: a detection
// or restore leaves it outstanding, a quarantine quarantined, a cleanup / deletion / kill / block cleaned it.
// The definitions are shared with /v1/stats (events/threat-sql.ts), so the figures match.
import { CLEANING_KINDS, SITE_PROTECTION_JOIN_SQL, THREAT_IDENT_SQL, THREAT_KINDS } from '../events/threat-sql';

export { CLEANING_KINDS, THREAT_KINDS };

export const DIGEST_SQL = `
WITH ev AS (
  SELECT kind, severity_rank, site_id, occurred_at, occurred_at >= $4 AS cur
  FROM events
  WHERE organization_id = $1 AND customer_id = $2 AND occurred_at >= $3 AND occurred_at < $5
    AND ($6::text[] IS NULL OR kind = ANY($6::text[]))
), t AS (
  SELECT occurred_at >= $4 AS cur, site_id, ${THREAT_IDENT_SQL} AS ident, kind,
         CASE WHEN severity IS NULL THEN NULL ELSE severity_rank END AS rank, threat_name, domain, occurred_at, id
  FROM events
  WHERE organization_id = $1 AND customer_id = $2 AND occurred_at >= $3 AND occurred_at < $5
    AND kind = ANY('{${THREAT_KINDS.join(',')}}'::text[]) AND ($6::text[] IS NULL OR kind = ANY($6::text[]))
), g AS (
  -- The latest kind / threat name / domain of each threat in one pass: max() over "time and id as fixed-width
  -- digits, then the value" (a NULL value drops out, as FILTER would), instead of an ordered array_agg, which
  -- sorts every group three times and was a third of the statement.
  SELECT cur, site_id, ident,
         count(*)::int AS occurrences,
         max(rank)::int AS rank,
         max(occurred_at) AS last_seen,
         substr(max(k || kind), 37) AS last_kind,
         substr(max(k || threat_name), 37) AS name,
         substr(max(k || domain), 37) AS domain
  FROM (SELECT t.*, (lpad((extract(epoch FROM occurred_at) * 1000000)::bigint::text, 17, '0') || lpad(id::text, 19, '0')) COLLATE "C" AS k
        FROM t) t
  GROUP BY 1, 2, 3
), s AS (
  SELECT *, CASE WHEN last_kind IN ('detection', 'file_restored') THEN 'outstanding'
                 WHEN last_kind = 'quarantine' THEN 'quarantined' ELSE 'cleaned' END AS status
  FROM g
), site_threats AS (
  SELECT site_id,
         count(*) FILTER (WHERE status <> 'outstanding')::int AS cleaned,
         count(*) FILTER (WHERE status = 'outstanding')::int AS outstanding,
         max(rank) FILTER (WHERE status = 'outstanding') AS open_rank,
         max(rank) AS rank,
         max(last_seen) AS last_seen
  FROM s WHERE cur AND site_id IS NOT NULL GROUP BY site_id
), site_events AS (
  SELECT site_id, count(*) FILTER (WHERE kind = 'detection')::int AS detections, count(*)::int AS events, max(occurred_at) AS last_at
  FROM ev WHERE cur AND site_id IS NOT NULL GROUP BY site_id
), all_sites AS (
  SELECT si.id, coalesce(si.domains[1], si.account_user, si.id::text) AS domain,
         coalesce(se.detections, 0) AS detections, coalesce(st.cleaned, 0) AS cleaned, coalesce(st.outstanding, 0) AS outstanding,
         st.open_rank, st.rank, se.last_at AS last_seen,
         coalesce(p.protection, CASE WHEN se.events > 0 THEN 'protected' ELSE 'unknown' END) AS protection
  FROM sites si
  LEFT JOIN site_threats st ON st.site_id = si.id
  LEFT JOIN site_events se ON se.site_id = si.id
${SITE_PROTECTION_JOIN_SQL}  WHERE si.organization_id = $1 AND si.customer_id = $2
)
SELECT
  (SELECT coalesce(json_agg(x), '[]') FROM (
     SELECT kind, cur, count(*)::int AS n FROM ev GROUP BY 1, 2) x) AS kinds,
  (SELECT coalesce(json_agg(x), '[]') FROM (
     SELECT severity_rank AS rank, cur, count(*)::int AS n FROM ev WHERE kind = 'detection' GROUP BY 1, 2) x) AS severities,
  (SELECT coalesce(json_agg(x), '[]') FROM (
     SELECT cur, status, count(*)::int AS n FROM s GROUP BY 1, 2) x) AS statuses,
  (SELECT coalesce(json_agg(x), '[]') FROM (
     SELECT s.ident AS path, s.name, coalesce(s.domain, si.domains[1], '') AS domain, s.rank, s.last_kind AS kind,
            s.status, s.occurrences, s.last_seen AS "lastSeen", s.site_id AS "siteId"
     FROM s LEFT JOIN sites si ON si.id = s.site_id
     WHERE s.cur
     ORDER BY (s.status = 'outstanding') DESC, s.rank DESC NULLS LAST, s.occurrences DESC, s.last_seen DESC, s.ident
     LIMIT $8) x) AS top,
  (SELECT count(*)::int FROM s WHERE cur) AS threats,
  (SELECT coalesce(json_agg(x), '[]') FROM (
     SELECT id, domain, detections, cleaned, outstanding, open_rank AS "openRank", rank, last_seen AS "lastSeen", protection
     FROM all_sites
     ORDER BY (outstanding > 0) DESC, open_rank DESC NULLS LAST, outstanding DESC, rank DESC NULLS LAST, detections DESC, domain
     LIMIT $9) x) AS sites,
  (SELECT json_build_object(
     'total', count(*)::int,
     'affected', (count(*) FILTER (WHERE detections > 0 OR cleaned > 0 OR outstanding > 0))::int,
     'protected', (count(*) FILTER (WHERE protection = 'protected'))::int,
     'unprotected', (count(*) FILTER (WHERE protection = 'unprotected'))::int) FROM all_sites) AS "siteTotals",
  (SELECT count(DISTINCT site_id)::int FROM events
     WHERE organization_id = $1 AND customer_id = $2 AND occurred_at >= $7 AND occurred_at < $5 AND site_id IS NOT NULL
       AND kind = ANY('{${CLEANING_KINDS.join(',')}}'::text[])) AS "sitesCleanedThisMonth"
`;

// The same statement for many customers at once (a run's batch): one row per input, in input order. Each input
// carries its own customer, periods, kinds (comma-separated, null = all) and month start.
export const DIGEST_BATCH_SQL = `
SELECT b.i::int AS i, x.*
FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::timestamptz[])
     WITH ORDINALITY AS b(org, customer_id, prev_start, start_at, end_at, kinds, month_start, i)
CROSS JOIN LATERAL (${DIGEST_SQL.replace(/\$(\d)(::text\[\])?/g, (_m, n: string) => ({
  1: 'b.org', 2: 'b.customer_id', 3: 'b.prev_start', 4: 'b.start_at', 5: 'b.end_at', 6: 'string_to_array(b.kinds, \',\')', 7: 'b.month_start', 8: '$8', 9: '$9',
} as Record<string, string>)[n])}) x
ORDER BY b.i`;
