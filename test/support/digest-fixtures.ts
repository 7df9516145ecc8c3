import { Clock } from '../../src/digests/clock';
import { severityRank } from '../../src/events/severity';
import type { TestApp } from './test-app';

// Factories for the digest suites: customers with sites through the API, events straight into the table (already
// matched to their customer and site, as ingestion stores them), and a settable clock.
export function fixClock(t: TestApp, iso: string): void {
  const at = new Date(iso).getTime();
  t.app.get(Clock).now = () => new Date(at);
}

export async function orgId(t: TestApp): Promise<string> {
  return (await t.api('GET', '/v1/organization')).body.id;
}

export interface Fixture {
  customerId: string;
  siteIds: string[];
  domains: string[];
}

export async function customerWithSites(t: TestApp, ref: string, o: { emails?: string[]; timeZone?: string; locale?: string; sites?: number } = {}): Promise<Fixture> {
  const c = await t.api('POST', '/v1/customers', {
    body: { externalRef: ref, name: `Customer ${ref}`, emails: o.emails ?? [`it@${ref}.example`], timeZone: o.timeZone ?? 'Europe/Berlin', locale: o.locale ?? 'en' },
  });
  if (c.status !== 201) throw new Error(`customer: ${JSON.stringify(c.body)}`);
  const siteIds: string[] = [];
  const domains: string[] = [];
  for (let i = 0; i < (o.sites ?? 2); i++) {
    const domain = `${i ? `s${i}.` : ''}${ref}.example`;
    const s = await t.api('POST', `/v1/customers/${c.body.id}/sites`, { body: { domains: [domain] } });
    if (s.status !== 201) throw new Error(`site: ${JSON.stringify(s.body)}`);
    siteIds.push(s.body.id);
    domains.push(domain);
  }
  return { customerId: c.body.id, siteIds, domains };
}

export interface EventSpec {
  kind: string;
  at: string;
  site: number;
  severity?: string | null;
  path?: string;
  threat?: string;
  vendorType?: string;
  raw?: object;
}

let seq = 0;

export async function insertEvents(t: TestApp, organizationId: string, f: Fixture, events: EventSpec[]): Promise<void> {
  for (const e of events) {
    await t.db.dataSource.query(
      `INSERT INTO events (organization_id, source, external_id, kind, vendor_type, severity, severity_rank, domain, file_path, threat_name,
                           occurred_at, customer_id, site_id, match_rule, raw)
       VALUES ($1, 'push:test', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'dom', $13)`,
      [organizationId, `e-${process.pid}-${seq++}`, e.kind, e.vendorType ?? e.kind, e.severity ?? null, severityRank(e.severity ?? null),
        f.domains[e.site], e.path ?? null, e.threat ?? null, new Date(e.at), f.customerId, f.siteIds[e.site], JSON.stringify(e.raw ?? {})],
    );
  }
}

export async function subscribe(t: TestApp, customerId: string, body: Record<string, unknown>): Promise<any> {
  const res = await t.api('PUT', `/v1/customers/${customerId}/digest-settings`, { body });
  if (res.status !== 200) throw new Error(`digest settings: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function ledger(t: TestApp, customerId: string): Promise<any[]> {
  return (await t.api('GET', `/v1/digests?customerId=${customerId}`)).body.data;
}
