import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OPEN_KINDS, sqlList, THREAT_KINDS } from '../events/threat-sql';
import { infectionOf, protectionOf } from './transition-detection';

const IDENT = `coalesce(e.file_path, e.process, e.threat_name, '')`;

// The per-site state transitions read (site_threat_states, site_protection_states), kept from the events: updated
// from each batch (a newer reading replaces an older one only), filled from the stored events of an organization when
// a rule that reads them is saved.
@Injectable()
export class SiteStates {
  // `eventIds`: the batch just stored; `organizationId`: every stored event of the organization (a fill).
  async update(em: EntityManager, state: 'infection' | 'protection', of: { eventIds: string[] } | { organizationId: string }): Promise<void> {
    const where = 'eventIds' in of ? 'e.id = ANY($1::bigint[])' : 'e.organization_id = $1';
    const param = 'eventIds' in of ? of.eventIds : of.organizationId;
    if (state === 'infection') {
      await em.query(
        `INSERT INTO site_threat_states AS s (site_id, ident, open, at, event_id)
         SELECT DISTINCT ON (e.site_id, ${IDENT}) e.site_id, ${IDENT}, e.kind = ANY(${sqlList(OPEN_KINDS)}), e.occurred_at, e.id
         FROM events e WHERE ${where} AND e.site_id IS NOT NULL AND e.kind = ANY(${sqlList(THREAT_KINDS)})
         ORDER BY e.site_id, ${IDENT}, e.occurred_at DESC, e.id DESC
         ON CONFLICT (site_id, ident) DO UPDATE SET open = EXCLUDED.open, at = EXCLUDED.at, event_id = EXCLUDED.event_id
         WHERE (s.at, s.event_id) < (EXCLUDED.at, EXCLUDED.event_id)`,
        [param],
      );
      return;
    }
    await em.query(
      `INSERT INTO site_protection_states AS s (site_id, vendor_type, mode, at, event_id)
       SELECT DISTINCT ON (e.site_id) e.site_id, e.vendor_type, coalesce(e.raw->'data'->>'mode', e.raw->>'mode'), e.occurred_at, e.id
       FROM events e WHERE ${where} AND e.site_id IS NOT NULL AND e.kind = 'protection_changed'
       ORDER BY e.site_id, e.occurred_at DESC, e.id DESC
       ON CONFLICT (site_id) DO UPDATE SET vendor_type = EXCLUDED.vendor_type, mode = EXCLUDED.mode, at = EXCLUDED.at, event_id = EXCLUDED.event_id
       WHERE (s.at, s.event_id) < (EXCLUDED.at, EXCLUDED.event_id)`,
      [param],
    );
  }

  // The state of each site in `siteIds` (customerId null), and of every site of each customer in `customerIds`.
  async read(em: EntityManager, state: 'infection' | 'protection', siteIds: string[], customerIds: string[]): Promise<{ siteId: string; customerId: string | null; state: string }[]> {
    const sites = `SELECT unnest($1::uuid[]) AS site_id, NULL::text AS customer_id UNION ALL SELECT s.id, s.customer_id::text FROM sites s WHERE s.customer_id = ANY($2::uuid[])`;
    if (state === 'infection') {
      const rows: { siteId: string; customerId: string | null; open: number }[] = await em.query(
        `SELECT x.site_id::text AS "siteId", x.customer_id AS "customerId",
                EXISTS (SELECT 1 FROM site_threat_states t WHERE t.site_id = x.site_id AND t.open)::int AS open
         FROM (${sites}) x`,
        [siteIds, customerIds],
      );
      return rows.map((r) => ({ siteId: r.siteId, customerId: r.customerId, state: infectionOf(r.open) }));
    }
    const rows: { siteId: string; customerId: string | null; vendorType: string | null; mode: string | null; at: Date | null }[] = await em.query(
      `SELECT x.site_id::text AS "siteId", x.customer_id AS "customerId", p.vendor_type AS "vendorType", p.mode, p.at
       FROM (${sites}) x LEFT JOIN site_protection_states p ON p.site_id = x.site_id`,
      [siteIds, customerIds],
    );
    return rows.map((r) => ({ siteId: r.siteId, customerId: r.customerId, state: r.at === null ? 'protected' : protectionOf({ vendorType: r.vendorType ?? undefined, raw: { mode: r.mode } }) }));
  }
}
