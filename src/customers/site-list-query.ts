import { JsonField, JsonListSpec, SqlWhere } from '../api/json-page';
import { domainKey } from './match-keys';
import { SiteQuery } from './sites.dto';

// SiteView's keys in SiteView.of()'s order: GET /v1/sites's JSON is written by PostgreSQL (json-page.ts).
export const SITE_LIST: JsonListSpec = {
  table: 'sites',
  alias: 's',
  sortColumn: 'created_at',
  idType: 'uuid',
  fields: ([
    ['id', 's.id', 'json'], ['customerId', 's.customer_id', 'json'], ['domains', 's.domains', 'json'], ['server', 's.server', 'json'],
    ['accountUser', 's.account_user', 'json'], ['vendorSiteIds', 's.vendor_site_ids', 'json'],
    ['createdAt', 's.created_at', 'time'], ['updatedAt', 's.updated_at', 'time'],
  ] satisfies JsonField[]),
};

export function siteListWhere(organizationId: string, q: SiteQuery): SqlWhere {
  const w = new SqlWhere('s', organizationId);
  if (q.customerId) w.add((p) => `s.customer_id = ${p}`, q.customerId);
  // Through site_keys' primary key rather than a scan of every site's domains array.
  if (q.domain) w.add((p) => `s.id = (SELECT k.site_id FROM site_keys k WHERE k.organization_id = $1 AND k.key = ${p})`, domainKey(q.domain));
  if (q.server) w.add((p) => `lower(s.server) = lower(${p})`, q.server);
  if (q.accountUser) w.add((p) => `lower(s.account_user) = lower(${p})`, q.accountUser);
  return w;
}
