import { keysetPage, mapPage, paginate, PageQuery, decodeCursor } from '../../src/api/pagination';
import { validationPipe } from '../../src/api/validation';
import { Customer } from '../../src/customers/customer.entity';
import { CustomerQuery, CustomerView } from '../../src/customers/customers.dto';
import { domainKey } from '../../src/customers/match-keys';
import { Site } from '../../src/customers/site.entity';
import { SiteQuery, SiteView } from '../../src/customers/sites.dto';
import { Database } from '../../src/db/database';
import { DeliveryQuery, DeliveryView } from '../../src/deliveries/deliveries.dto';
import { Delivery } from '../../src/deliveries/delivery.entity';
import { Digest } from '../../src/digests/digest.entity';
import { DigestQuery, DigestView } from '../../src/digests/digests.dto';
import { ValidationError } from '../../src/errors/domain-error';
import { EventQuery, EventView } from '../../src/events/events.dto';
import { severityRank } from '../../src/events/severity';

// The list endpoints as they answered before their JSON was written by PostgreSQL (json-page.ts): rows hydrated by
// pg / TypeORM, mapped by the views' of(), serialised by JSON.stringify. Kept only to prove the bytes did not change.

// The query string as the API's validation pipe turns it into the DTO.
export async function dtoOf<T extends object>(type: new () => T, params: Record<string, string>): Promise<T> {
  return (await validationPipe().transform({ ...params }, { type: 'query', metatype: type })) as T;
}

const EVENT_COLUMNS = [
  'id', 'source', 'vendor_account_id AS "vendorAccountId"', 'external_id AS "externalId"', 'kind', 'vendor_type AS "vendorType"',
  'classification', 'severity', 'server', 'account_user AS "accountUser"', 'domain', 'vendor_site_id AS "vendorSiteId"',
  'file_path AS "filePath"', 'file_hash AS "fileHash"', 'process', 'threat_name AS "threatName"', 'occurred_at AS "occurredAt"',
  'received_at AS "receivedAt"', 'customer_id AS "customerId"', 'site_id AS "siteId"', 'match_rule AS "matchRule"',
].join(', ');

export async function referenceEvents(db: Database, organizationId: string, q: EventQuery): Promise<string> {
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
  const sql = `SELECT ${EVENT_COLUMNS} FROM events e WHERE ${where.join(' AND ')} ORDER BY e.occurred_at DESC, e.id DESC LIMIT $${params.length}`;
  return JSON.stringify(keysetPage(await db.rows<EventView>(sql, params), limit));
}

export async function referenceCustomers(db: Database, organizationId: string, q: CustomerQuery): Promise<string> {
  const qb = db.dataSource.getRepository(Customer).createQueryBuilder('c').where('c.organization_id = :organizationId', { organizationId });
  if (q.status) qb.andWhere('c.status = :status', { status: q.status });
  if (q.externalRef) qb.andWhere('c.external_ref = :externalRef', { externalRef: q.externalRef });
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    qb.andWhere(`(c.name ILIKE :like OR array_to_string(c.emails, ' ') ILIKE :like)`, { like });
  }
  return JSON.stringify(mapPage(await paginate(qb, q, { table: 'customers' }), CustomerView.of));
}

export async function referenceSites(db: Database, organizationId: string, q: SiteQuery): Promise<string> {
  const qb = db.dataSource.getRepository(Site).createQueryBuilder('s').where('s.organization_id = :organizationId', { organizationId });
  if (q.customerId) qb.andWhere('s.customer_id = :customerId', { customerId: q.customerId });
  if (q.domain) {
    qb.andWhere('s.id = (SELECT k.site_id FROM site_keys k WHERE k.organization_id = :organizationId AND k.key = :domainKey)', { domainKey: domainKey(q.domain) });
  }
  if (q.server) qb.andWhere('lower(s.server) = lower(:server)', { server: q.server });
  if (q.accountUser) qb.andWhere('lower(s.account_user) = lower(:accountUser)', { accountUser: q.accountUser });
  return JSON.stringify(mapPage(await paginate(qb, q, { table: 'sites' }), SiteView.of));
}

export async function referenceDigests(db: Database, organizationId: string, q: DigestQuery): Promise<string> {
  const qb = db.dataSource.getRepository(Digest).createQueryBuilder('d').where('d.organization_id = :organizationId', { organizationId });
  if (q.customerId) qb.andWhere('d.customer_id = :customerId', { customerId: q.customerId });
  if (q.status) qb.andWhere('d.status = :status', { status: q.status });
  if (q.cadence) qb.andWhere('d.cadence = :cadence', { cadence: q.cadence });
  if (q.from) qb.andWhere('d.period_start >= :from', { from: new Date(q.from) });
  if (q.to) qb.andWhere('d.period_start < :to', { to: new Date(q.to) });
  return JSON.stringify(mapPage(await paginate(qb, q, { table: 'digests' }), DigestView.of));
}

export async function referenceDeliveries(db: Database, organizationId: string, q: DeliveryQuery): Promise<string> {
  const qb = db.dataSource.getRepository(Delivery).createQueryBuilder('d').where('d.organization_id = :organizationId', { organizationId });
  if (q.status) qb.andWhere('d.status = :status', { status: q.status });
  if (q.customerId) qb.andWhere('d.customer_id = :customerId', { customerId: q.customerId });
  if (q.destination) qb.andWhere('d.destination = :destination', { destination: q.destination });
  if (q.destinationId) qb.andWhere('d.destination_id = :destinationId', { destinationId: q.destinationId });
  if (q.causeType) qb.andWhere('d.cause_type = :causeType', { causeType: q.causeType });
  if (q.causeId) qb.andWhere('d.cause_id = :causeId', { causeId: q.causeId });
  return JSON.stringify(mapPage(await paginate(qb, q, { table: 'deliveries' }), DeliveryView.of));
}

// /v1/customers/:id/sites took the page query only.
export const referenceCustomerSites = (db: Database, organizationId: string, customerId: string, q: PageQuery) =>
  referenceSites(db, organizationId, { limit: q.limit, cursor: q.cursor, customerId });
