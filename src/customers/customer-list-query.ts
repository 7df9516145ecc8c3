import { JsonField, JsonListSpec, SqlWhere } from '../api/json-page';
import { CustomerQuery } from './customers.dto';

// CustomerView's keys in CustomerView.of()'s order: GET /v1/customers's JSON is written by PostgreSQL (json-page.ts).
export const CUSTOMER_LIST: JsonListSpec = {
  table: 'customers',
  alias: 'c',
  sortColumn: 'created_at',
  idType: 'uuid',
  fields: ([
    ['id', 'c.id', 'json'], ['externalRef', 'c.external_ref', 'json'], ['name', 'c.name', 'json'], ['emails', 'c.emails', 'json'],
    ['brandId', 'c.brand_id', 'json'], ['locale', 'c.locale', 'json'], ['timeZone', 'c.time_zone', 'json'], ['status', 'c.status', 'json'],
    ['createdAt', 'c.created_at', 'time'], ['updatedAt', 'c.updated_at', 'time'],
  ] satisfies JsonField[]),
};

export function customerListWhere(organizationId: string, q: CustomerQuery): SqlWhere {
  const w = new SqlWhere('c', organizationId);
  if (q.status) w.add((p) => `c.status = ${p}`, q.status);
  if (q.externalRef) w.add((p) => `c.external_ref = ${p}`, q.externalRef);
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    w.add((p) => `(c.name ILIKE ${p} OR array_to_string(c.emails, ' ') ILIKE ${p})`, like);
  }
  return w;
}
