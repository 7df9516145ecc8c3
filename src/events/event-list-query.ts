import { decodeCursor } from '../api/pagination';
import { ValidationError } from '../errors/domain-error';
import { EventQuery, EventView } from './events.dto';
import { severityRank } from './severity';

// The columns of EventView, named and ordered as EventView.of() lays them out, so that a row is the view itself.
const COLUMNS = [
  'id', 'source', 'vendor_account_id AS "vendorAccountId"', 'external_id AS "externalId"', 'kind', 'vendor_type AS "vendorType"',
  'classification', 'severity', 'server', 'account_user AS "accountUser"', 'domain', 'vendor_site_id AS "vendorSiteId"',
  'file_path AS "filePath"', 'file_hash AS "fileHash"', 'process', 'threat_name AS "threatName"', 'occurred_at AS "occurredAt"',
  'received_at AS "receivedAt"', 'customer_id AS "customerId"', 'site_id AS "siteId"', 'match_rule AS "matchRule"',
].join(', ');

export type EventRow = EventView;

// GET /v1/events as one parameterised statement: the organization first, the filters, then keyset order (newest
// first, ties by id) from the cursor row, one row more than the page to know whether there is a next one.
export function eventListQuery(organizationId: string, q: EventQuery): { sql: string; params: unknown[]; limit: number } {
  const params: unknown[] = [organizationId];
  const where = ['e.organization_id = $1'];
  const add = (condition: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  if (q.customerId) add((p) => `e.customer_id = ${p}`, q.customerId);
  if (q.siteId) add((p) => `e.site_id = ${p}`, q.siteId);
  if (q.vendorAccountId) add((p) => `e.vendor_account_id = ${p}`, q.vendorAccountId);
  if (q.source) add((p) => `e.source = ${p}`, q.source);
  if (q.kind?.length) add((p) => `e.kind = ANY(${p})`, q.kind);
  if (q.severity?.length) add((p) => `e.severity = ANY(${p})`, q.severity);
  if (q.minSeverity) add((p) => `e.severity_rank >= ${p}`, severityRank(q.minSeverity));
  if (q.from) add((p) => `e.occurred_at >= ${p}`, q.from);
  if (q.to) add((p) => `e.occurred_at < ${p}`, q.to);
  if (q.unmatched === true) where.push('e.customer_id IS NULL');
  if (q.unmatched === false) where.push('e.customer_id IS NOT NULL');
  if (q.server) add((p) => `e.server = ${p}`, q.server.toLowerCase());
  if (q.cursor) {
    const id = decodeCursor(q.cursor);
    if (!/^\d{1,19}$/.test(id)) throw new ValidationError('cursor', 'cursor is not one this API returned');
    add((p) => `(e.occurred_at, e.id) < (SELECT c.occurred_at, c.id FROM events c WHERE c.id = CAST(${p} AS bigint))`, id);
  }
  const limit = q.limit ?? 50;
  params.push(limit + 1);
  const sql = `SELECT ${COLUMNS} FROM events e WHERE ${where.join(' AND ')} ORDER BY e.occurred_at DESC, e.id DESC LIMIT $${params.length}`;
  return { sql, params, limit };
}
