import { CLEANING_KINDS, SITE_PROTECTION_JOIN_SQL, THREAT_KINDS } from '../events/threat-sql';

// A customer's current state for the hosted page, in one statement returning one row of JSON, bounded whatever the
// customer's size. A threat is (site, file path | process | threat name) as in the digest; it is open when its latest
// event within the look-back is a detection or a restore. "Cleaned this month" is every threat with a cleaning action
// (cleanup, quarantine, deletion, kill, block) since the start of the customer's local month, with its latest action.
//
// $1 organization, $2 customer, $3 look-back start, $4 local month start, $5 now, $6 period start, $7 period end
// (both null without a period), $8 sites listed, $9 threats listed per site, $10 open threats in the overview,
// $11 threats listed on the site cards in all (open and cleaned each), in the sites' order.
export const PAGE_SQL = `
WITH t AS (
  SELECT site_id, coalesce(file_path, process, threat_name, '') COLLATE "C" AS ident, kind,
         CASE WHEN severity IS NULL THEN NULL ELSE severity_rank END AS rank, threat_name, occurred_at,
         -- "time and id as fixed-width digits": max(k || value) is the latest value, in one pass (as in DIGEST_SQL)
         (lpad((extract(epoch FROM occurred_at) * 1000000)::bigint::text, 17, '0') || lpad(id::text, 19, '0')) COLLATE "C" AS k
  FROM events
  WHERE organization_id = $1 AND customer_id = $2 AND occurred_at >= $3 AND occurred_at < $5
    AND kind = ANY('{${THREAT_KINDS.join(',')}}'::text[])
), g AS (
  SELECT site_id, ident, count(*)::int AS occurrences, max(rank)::int AS rank, min(occurred_at) AS first_seen, max(occurred_at) AS last_seen,
         substr(max(k || kind), 37) AS last_kind, substr(max(k || threat_name), 37) AS name
  FROM t GROUP BY site_id, ident
), open AS (
  SELECT g.*, row_number() OVER (PARTITION BY site_id ORDER BY rank DESC NULLS LAST, last_seen DESC, ident) AS n,
         row_number() OVER (ORDER BY rank DESC NULLS LAST, last_seen DESC, ident) AS m
  FROM g WHERE last_kind IN ('detection', 'file_restored')
), cleaned AS (
  SELECT DISTINCT ON (site_id, ident) site_id, ident, kind AS action, occurred_at AS at
  FROM t WHERE occurred_at >= $4 AND kind = ANY('{${CLEANING_KINDS.join(',')}}'::text[])
  ORDER BY site_id, ident, k DESC
), cleaned_n AS (
  SELECT *, row_number() OVER (PARTITION BY site_id ORDER BY at DESC, ident) AS n FROM cleaned
), site_open AS (
  SELECT site_id, count(*)::int AS n, max(rank) AS rank FROM open GROUP BY site_id
), site_cleaned AS (
  SELECT site_id, count(*)::int AS n FROM cleaned GROUP BY site_id
), all_sites AS (
  SELECT si.id, coalesce(si.domains[1], si.account_user, si.id::text) AS domain,
         coalesce(so.n, 0) AS open, so.rank AS "openRank", coalesce(sc.n, 0) AS cleaned,
         coalesce(p.protection, CASE WHEN EXISTS (SELECT 1 FROM events e WHERE e.site_id = si.id AND e.occurred_at >= $3 AND e.occurred_at < $5)
                                     THEN 'protected' ELSE 'unknown' END) AS protection
  FROM sites si
  LEFT JOIN site_open so ON so.site_id = si.id
  LEFT JOIN site_cleaned sc ON sc.site_id = si.id
${SITE_PROTECTION_JOIN_SQL}  WHERE si.organization_id = $1 AND si.customer_id = $2
), listed AS (
  SELECT *, row_number() OVER (ORDER BY (open > 0) DESC, "openRank" DESC NULLS LAST, open DESC, (protection = 'unprotected') DESC, cleaned DESC, domain, id) AS pos
  FROM all_sites
  ORDER BY pos
  LIMIT $8
), card_open AS (
  SELECT o.site_id, o.ident FROM open o JOIN listed l ON l.id = o.site_id WHERE o.n <= $9 ORDER BY l.pos, o.n LIMIT $11
), card_cleaned AS (
  SELECT c.* FROM cleaned_n c JOIN listed l ON l.id = c.site_id WHERE c.n <= $9 ORDER BY l.pos, c.n LIMIT $11
)
SELECT
  (SELECT coalesce(json_agg(x ORDER BY x.pos), '[]') FROM (SELECT id, domain, open, "openRank", cleaned, protection, pos FROM listed) x) AS sites,
  (SELECT json_build_object('total', count(*)::int, 'unprotected', (count(*) FILTER (WHERE protection = 'unprotected'))::int,
     'withOpen', (count(*) FILTER (WHERE open > 0))::int, 'cleaned', (count(*) FILTER (WHERE cleaned > 0))::int) FROM all_sites) AS "siteTotals",
  (SELECT coalesce(json_agg(x ORDER BY x.m), '[]') FROM (
     SELECT o.site_id AS "siteId", o.ident AS path, o.name, o.rank, o.occurrences, o.first_seen AS "firstSeen", o.last_seen AS "lastSeen",
            o.n::int, o.m::int, (co.ident IS NOT NULL) AS card
     FROM open o LEFT JOIN card_open co ON co.site_id = o.site_id AND co.ident = o.ident
     WHERE o.m <= $10 OR co.ident IS NOT NULL) x) AS open,
  (SELECT count(*)::int FROM open) AS "openTotal",
  (SELECT coalesce(json_agg(x ORDER BY x.at DESC), '[]') FROM (
     SELECT c.site_id AS "siteId", c.ident AS path, c.action, c.at FROM card_cleaned c) x) AS cleaned,
  (SELECT count(*)::int FROM cleaned) AS "cleanedTotal",
  (SELECT CASE WHEN $6::timestamptz IS NULL THEN NULL ELSE count(*)::int END FROM events
     WHERE organization_id = $1 AND customer_id = $2 AND kind = 'detection' AND occurred_at >= $6::timestamptz AND occurred_at < $7::timestamptz) AS "periodDetections"
`;
