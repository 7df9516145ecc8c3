// What a threat is, for every figure that counts threats (the digest's headline, /v1/stats): a file path, process
// or threat name on a site, its status decided by its last event of the range (by time, then id). A detection or a
// restore leaves it outstanding; a cleanup, quarantine, deletion, kill or block cleans it. So for any range,
// threats = cleaned + outstanding.
export const THREAT_KINDS = ['detection', 'cleanup', 'quarantine', 'file_deleted', 'file_restored', 'process_killed', 'process_blocked'];
export const OPEN_KINDS = ['detection', 'file_restored'];
export const CLEANING_KINDS = THREAT_KINDS.filter((k) => !OPEN_KINDS.includes(k));

export const THREAT_IDENT_SQL = `coalesce(file_path, process, threat_name, '')`;
export const sqlList = (kinds: readonly string[]) => `'{${kinds.join(',')}}'::text[]`;

// The first instant of the calendar month, in time zone `tz` (an SQL expression), that holds the instant just before
// `end`: "this month" for a range or a period that ends at `end` (an end at a month's first midnight is the month
// before, as the digest's periods end exclusively).
export const localMonthStartSql = (end: string, tz: string) =>
  `(date_trunc('month', (${end} - interval '1 microsecond') AT TIME ZONE ${tz}) AT TIME ZONE ${tz})`;

// A site's protection as its latest protection change before $5 says (the site is `si`): the digest and the customer
// page read it the same way.
export const SITE_PROTECTION_JOIN_SQL = `  LEFT JOIN LATERAL (
    SELECT CASE
             WHEN lower(coalesce(e.raw->'data'->>'mode', e.raw->>'mode', '')) IN ('off', 'disabled', 'none')
               OR e.vendor_type ~* '(disabled|off)$' THEN 'unprotected'
             WHEN lower(coalesce(e.raw->'data'->>'mode', e.raw->>'mode', '')) IN ('insights', 'monitor', 'detect', 'passive') THEN 'partial'
             ELSE 'protected' END AS protection
    FROM events e
    WHERE e.site_id = si.id AND e.kind = 'protection_changed' AND e.occurred_at < $5
    ORDER BY e.occurred_at DESC LIMIT 1
  ) p ON true
`;
