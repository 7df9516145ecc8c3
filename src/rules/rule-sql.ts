import { SEVERITIES } from '../events/normalized-event';
import { sqlList, THREAT_KINDS } from '../events/threat-sql';
import { urgentKindOfCustomerSql } from '../digests/customer-recipients-sql';

// The filter and scope of a rule over an event (`e`, with its customer `c`), in SQL, so that matching a batch against
// every rule of the organization is one statement. Mirrors matchesFilter/inScope (event-filter.ts): absent lists match
// everything; the threat-name glob becomes an ILIKE pattern. `r` is a rule prepared by RULE_FILTER_COLUMNS: each part
// of its jsonb read once per rule, not once per event and rule.
const anyOf = (list: string, v: string) => `(${list} IS NULL OR (${v} IS NOT NULL AND ${list} ? ${v}))`;

export const severityRankSql = (s: string) =>
  `(CASE ${s} ${SEVERITIES.map((name, i) => `WHEN '${name}' THEN ${SEVERITIES.length - 1 - i}`).join(' ')} ELSE 0 END)`;

const globLikeSql = (g: string) =>
  `replace(replace(replace(replace(replace(${g}, '\\', '\\\\'), '%', '\\%'), '_', '\\_'), '*', '%'), '?', '_')`;

// `x` has the rules columns trigger, scope and trigger_type.
export const RULE_FILTER_COLUMNS = (x: string) => {
  const f = (key: string) => `${x}.trigger #> '{filter,${key}}'`;
  return `${x}.trigger_type, ${x}.trigger ->> 'state' AS t_state,
    ${f('kinds')} AS f_kinds, ${f('classifications')} AS f_classifications, ${f('customerIds')} AS f_customer_ids, ${f('siteIds')} AS f_site_ids,
    ${f('brandIds')} AS f_brand_ids, ${f('servers')} AS f_servers, ${f('vendorAccountIds')} AS f_vendor_account_ids, ${f('sources')} AS f_sources,
    CASE WHEN ${x}.trigger #>> '{filter,minSeverity}' IS NULL THEN NULL ELSE ${severityRankSql(`${x}.trigger #>> '{filter,minSeverity}'`)} END AS f_min_rank,
    ${globLikeSql(`${x}.trigger #>> '{filter,threatName}'`)} AS f_threat_like,
    (${x}.trigger #>> '{filter,urgentKindsOfCustomer}') IS NOT DISTINCT FROM 'true' AS f_urgent,
    ${x}.scope -> 'customerIds' AS s_customer_ids, ${x}.scope -> 'brandIds' AS s_brand_ids`;
};

export function matchSql(e: string, c: string, r: string): string {
  return [
    anyOf(`${r}.f_kinds`, `${e}.kind`),
    `(${r}.f_min_rank IS NULL OR (${e}.severity IS NOT NULL AND ${e}.severity_rank >= ${r}.f_min_rank))`,
    anyOf(`${r}.f_classifications`, `${e}.classification`),
    `(${r}.f_threat_like IS NULL OR ${e}.threat_name ILIKE ${r}.f_threat_like)`,
    anyOf(`${r}.f_customer_ids`, `${e}.customer_id::text`),
    anyOf(`${r}.f_site_ids`, `${e}.site_id::text`),
    anyOf(`${r}.f_brand_ids`, `${c}.brand_id::text`),
    anyOf(`${r}.f_servers`, `${e}.server`),
    anyOf(`${r}.f_vendor_account_ids`, `${e}.vendor_account_id::text`),
    anyOf(`${r}.f_sources`, `${e}.source`),
    // read only for a rule that asks (the customer's digest settings, one primary-key probe per event)
    `(NOT ${r}.f_urgent OR ${urgentKindOfCustomerSql(e)})`,
    anyOf(`${r}.s_customer_ids`, `${e}.customer_id::text`),
    anyOf(`${r}.s_brand_ids`, `${c}.brand_id::text`),
    // what a transition reads: threats and protection changes of a site, any sign of life of a server
    `(${r}.trigger_type <> 'transition' OR CASE ${r}.t_state
        WHEN 'infection' THEN ${e}.kind = ANY(${sqlList(THREAT_KINDS)}) AND ${e}.site_id IS NOT NULL
        WHEN 'protection' THEN ${e}.kind = 'protection_changed' AND ${e}.site_id IS NOT NULL
        ELSE ${e}.server IS NOT NULL END)`,
  ].join('\n AND ');
}

// The columns a decision reads of a matched event.
export const MATCH_COLUMNS = (e: string) => `${e}.id::text AS "eventId", (extract(epoch FROM ${e}.occurred_at) * 1000)::float8 AS at, ${e}.severity_rank AS rank,
  ${e}.customer_id AS "customerId", ${e}.site_id AS "siteId", ${e}.server, ${e}.kind`;
