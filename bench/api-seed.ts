import { Database } from '../src/db/database';

// The other lists a portal polls, as their features write them: 200 customers with a site each, a digest and a
// webhook delivery per customer (the jsonb of both shaped as the service writes it).
export async function seedLists(db: Database, organizationId: string, n = 200): Promise<void> {
  await db.dataSource.query(
    `INSERT INTO customers (organization_id, external_ref, name, emails, locale, time_zone, status, created_at)
     SELECT $1, 'whmcs-' || i, 'Bäckerei Müller & Söhne ' || i, ARRAY['owner' || i || '@example.com', 'billing' || i || '@example.com'],
            'de', 'Europe/Berlin', 'active', now() - make_interval(secs => i)
     FROM generate_series(1, $2) i`,
    [organizationId, n],
  );
  await db.dataSource.query(
    `INSERT INTO sites (organization_id, customer_id, domains, server, account_user, vendor_site_ids, created_at)
     SELECT c.organization_id, c.id, ARRAY['shop' || c.external_ref || '.example', 'www.shop' || c.external_ref || '.example'], 'web02.host.example',
            'u' || replace(c.external_ref, '-', ''), ARRAY['vs-' || c.external_ref], c.created_at
     FROM customers c WHERE c.organization_id = $1`,
    [organizationId],
  );
  await db.dataSource.query(
    `INSERT INTO digests (organization_id, customer_id, cadence, period_start, period_end, scheduled_at, status, attempts, message_id, sent_at,
                          recipients, subject, counts, created_at)
     SELECT c.organization_id, c.id, 'weekly', '2026-11-02T00:00:00Z', '2026-11-09T00:00:00Z', '2026-11-09T07:00:00Z', 'sent', 1,
            '<' || c.id || '@hostdigest.example>', '2026-11-09T07:00:03.412Z', c.emails, 'Ihre Sicherheitsübersicht: 3 Bedrohungen bereinigt',
            jsonb_build_object('events', 14, 'detections', 5, 'threats', 4, 'cleaned', 3, 'outstanding', 1, 'sites', 1, 'sitesAffected', 1,
                               'sitesCleanedThisMonth', 1, 'htmlBytes', 48211, 'htmlPartBytes', 65320),
            c.created_at
     FROM customers c WHERE c.organization_id = $1`,
    [organizationId],
  );
  await db.dataSource.query(
    `INSERT INTO deliveries (organization_id, customer_id, destination, cause_type, cause_id, dedupe_key, payload, status, attempts, created_at, delivered_at)
     SELECT c.organization_id, c.id, 'webhook', 'portal.counters', c.id || ':1', 'portal.counters:' || c.id || ':1',
            jsonb_build_object('customer', jsonb_build_object('id', c.id, 'externalRef', c.external_ref, 'name', c.name), 'month', '2026-11',
                               'counters', jsonb_build_object('sitesCleanedThisMonth', 1, 'openThreats', 2, 'protectedSites', 1), 'at', '2026-11-09T07:00:00.000Z'),
            'delivered', 1, c.created_at, c.created_at + interval '150 milliseconds'
     FROM customers c WHERE c.organization_id = $1`,
    [organizationId],
  );
}
