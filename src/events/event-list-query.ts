import { JsonField, JsonListSpec, SqlWhere } from '../api/json-page';
import { EventQuery } from './events.dto';
import { severityRank } from './severity';

// EventView's keys in EventView.of()'s order, each with its column: the page's JSON is written by PostgreSQL.
export const EVENT_LIST: JsonListSpec = {
  table: 'events',
  alias: 'e',
  sortColumn: 'occurred_at',
  idType: 'bigint',
  fields: ([
    ['id', 'e.id::text', 'json'], ['source', 'e.source', 'json'], ['vendorAccountId', 'e.vendor_account_id', 'json'],
    ['externalId', 'e.external_id', 'json'], ['kind', 'e.kind', 'json'], ['vendorType', 'e.vendor_type', 'json'],
    ['classification', 'e.classification', 'json'], ['severity', 'e.severity', 'json'], ['server', 'e.server', 'json'],
    ['accountUser', 'e.account_user', 'json'], ['domain', 'e.domain', 'json'], ['vendorSiteId', 'e.vendor_site_id', 'json'],
    ['filePath', 'e.file_path', 'json'], ['fileHash', 'e.file_hash', 'json'], ['process', 'e.process', 'json'],
    ['threatName', 'e.threat_name', 'json'], ['occurredAt', 'e.occurred_at', 'time'], ['receivedAt', 'e.received_at', 'time'],
    ['customerId', 'e.customer_id', 'json'], ['siteId', 'e.site_id', 'json'], ['matchRule', 'e.match_rule', 'json'],
  ] satisfies JsonField[]),
};

// GET /v1/events's filters; each one is served by an index of events (bench:api prints the plans at size, BENCH_AT_SIZE).
export function eventListWhere(organizationId: string, q: EventQuery): SqlWhere {
  const w = new SqlWhere('e', organizationId);
  if (q.customerId) w.add((p) => `e.customer_id = ${p}`, q.customerId);
  if (q.siteId) w.add((p) => `e.site_id = ${p}`, q.siteId);
  if (q.vendorAccountId) w.add((p) => `e.vendor_account_id = ${p}`, q.vendorAccountId);
  if (q.source) w.add((p) => `e.source = ${p}`, q.source);
  if (q.kind?.length) w.add((p) => `e.kind = ANY(${p})`, q.kind);
  if (q.severity?.length) w.add((p) => `e.severity = ANY(${p})`, q.severity);
  if (q.minSeverity) w.add((p) => `e.severity_rank >= ${p}`, severityRank(q.minSeverity));
  if (q.from) w.add((p) => `e.occurred_at >= ${p}`, q.from);
  if (q.to) w.add((p) => `e.occurred_at < ${p}`, q.to);
  if (q.unmatched === true) w.raw('e.customer_id IS NULL');
  if (q.unmatched === false) w.raw('e.customer_id IS NOT NULL');
  if (q.server) w.add((p) => `e.server = ${p}`, q.server.toLowerCase());
  return w;
}
