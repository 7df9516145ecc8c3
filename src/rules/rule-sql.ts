import { SEVERITIES } from '../events/normalized-event';
import { sqlList, THREAT_KINDS } from '../events/threat-sql';

// The filter and scope of a rule (`r`, a row of rules) over an event (`e`, with its customer `c`), in SQL, so that
// matching a batch against every rule of the organization is one statement. Mirrors matchesFilter/inScope
// (event-filter.ts): absent lists match everything; the threat-name glob becomes an ILIKE pattern.
const f = (r: string, key: string) => `${r}.trigger #> '{filter,${key}}'`;
const anyOf = (list: string, v: string) => `(${list} IS NULL OR (${v} IS NOT NULL AND ${list} ? ${v}))`;

export const severityRankSql = (s: string) =>
  `(CASE ${s} ${SEVERITIES.map((name, i) => `WHEN '${name}' THEN ${SEVERITIES.length - 1 - i}`).join(' ')} ELSE 0 END)`;

const globLikeSql = (g: string) =>
  `replace(replace(replace(replace(replace(${g}, '\\', '\\\\'), '%', '\\%'), '_', '\\_'), '*', '%'), '?', '_')`;

export function matchSql(e: string, c: string, r: string): string {
  return [
    anyOf(f(r, 'kinds'), `${e}.kind`),
    `(${r}.trigger #>> '{filter,minSeverity}' IS NULL OR (${e}.severity IS NOT NULL AND ${e}.severity_rank >= ${severityRankSql(`${r}.trigger #>> '{filter,minSeverity}'`)}))`,
    anyOf(f(r, 'classifications'), `${e}.classification`),
    `(${r}.trigger #>> '{filter,threatName}' IS NULL OR ${e}.threat_name ILIKE ${globLikeSql(`${r}.trigger #>> '{filter,threatName}'`)})`,
    anyOf(f(r, 'customerIds'), `${e}.customer_id::text`),
    anyOf(f(r, 'siteIds'), `${e}.site_id::text`),
    anyOf(f(r, 'brandIds'), `${c}.brand_id::text`),
    anyOf(f(r, 'servers'), `${e}.server`),
    anyOf(f(r, 'vendorAccountIds'), `${e}.vendor_account_id::text`),
    anyOf(f(r, 'sources'), `${e}.source`),
    anyOf(`${r}.scope -> 'customerIds'`, `${e}.customer_id::text`),
    anyOf(`${r}.scope -> 'brandIds'`, `${c}.brand_id::text`),
    // what a transition reads: threats and protection changes of a site, any sign of life of a server
    `(${r}.trigger_type <> 'transition' OR CASE ${r}.trigger ->> 'state'
        WHEN 'infection' THEN ${e}.kind = ANY(${sqlList(THREAT_KINDS)}) AND ${e}.site_id IS NOT NULL
        WHEN 'protection' THEN ${e}.kind = 'protection_changed' AND ${e}.site_id IS NOT NULL
        ELSE ${e}.server IS NOT NULL END)`,
  ].join('\n AND ');
}

// The columns a decision reads of a matched event.
export const MATCH_COLUMNS = (e: string) => `${e}.id::text AS "eventId", (extract(epoch FROM ${e}.occurred_at) * 1000)::float8 AS at, ${e}.severity_rank AS rank,
  ${e}.customer_id AS "customerId", ${e}.site_id AS "siteId", ${e}.server, ${e}.kind`;
