import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Database } from '../db/database';
import { ConflictError, DomainError } from '../errors/domain-error';
import { JobEngine } from '../jobs/job-engine';
import { Customer } from './customer.entity';
import { CsvColumn, ExportLine, ImportRow, parseRow, readCsv, Rejection, toCsv } from './customer-csv';
import { isUniqueViolation, UNIQUE_EXTERNAL_REF } from './customers.service';
import { ExistingCustomer, ImportPlan, planImport, PlannedCustomer, PlannedSite } from './import-plan';
import { siteKeys } from './match-keys';
import { enqueueRematch } from './rematch-events.job';
import { SiteKeyStore } from './site-key-store';
import { Site } from './site.entity';

export type ImportMode = 'atomic' | 'per-row';

export interface ImportReport {
  mode: ImportMode;
  created: number;
  updated: number;
  unchanged: number;
  sitesCreated: number;
  sitesUpdated: number;
  sitesUnchanged: number;
  rejected: Rejection[];
}

const CHUNK = 2_000;

@Injectable()
export class CustomerImportService {
  constructor(
    private readonly db: Database,
    private readonly jobs: JobEngine,
    private readonly keys: SiteKeyStore,
  ) {}

  // atomic: one rejected row and nothing is written. per-row: the valid rows are written and the others reported.
  async import(organizationId: string, body: unknown, mode: ImportMode): Promise<ImportReport> {
    if (typeof body !== 'string') {
      throw new DomainError('unsupported_media_type', 'send the CSV itself as the request body, with Content-Type: text/csv', 415, 'body');
    }
    const file = readCsv(body);
    return this.importRows(organizationId, [...file.rejected.map((r) => [r]), ...file.rows.map(parseRow)], file.columns, mode);
  }

  // Rows parsed as the CSV's are (parseRow), from a file or another source (a billing system's clients), planned and
  // written in one transaction; `after` runs in that transaction once the rows are written (an import's progress).
  async importRows(
    organizationId: string, rows: (ImportRow | Rejection[])[], columns: ReadonlySet<CsvColumn>, mode: ImportMode,
    after?: (em: EntityManager, report: ImportReport) => Promise<unknown>,
  ): Promise<ImportReport> {
    const refs = [...new Set(rows.flatMap((r) => (Array.isArray(r) ? [] : [r.externalRef])))];
    const keys = rows.flatMap((r) => (Array.isArray(r) || !r.site ? [] : siteKeys(r.site)));
    return this.db.transaction(async (em) => {
      // Two imports into one organization take turns, so each plans against what the other wrote.
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('customers.import'), hashtext($1))`, [organizationId]);
      const plan = planImport({
        rows,
        columns,
        existing: await this.existing(em, organizationId, refs),
        holders: await this.keys.holders(em, organizationId, keys),
        newId: randomUUID,
      });
      if (mode === 'atomic' && plan.rejected.length) return report(mode, { customers: [], sites: [], rejected: plan.rejected });
      await this.write(em, organizationId, plan);
      const done = report(mode, plan);
      await after?.(em, done);
      return done;
    });
  }

  async export(organizationId: string): Promise<string> {
    const rows: { external_ref: string; name: string; emails: string[]; locale: string; time_zone: string; status: string;
      site_id: string | null; domains: string[] | null; server: string | null; account_user: string | null; vendor_site_ids: string[] | null }[] =
      await this.db.dataSource.query(
        `SELECT c.external_ref, c.name, c.emails, c.locale, c.time_zone, c.status, s.id AS site_id, s.domains, s.server, s.account_user, s.vendor_site_ids
         FROM customers c LEFT JOIN sites s ON s.customer_id = c.id
         WHERE c.organization_id = $1 ORDER BY c.external_ref, s.created_at, s.domains, s.server, s.account_user, s.vendor_site_ids`,
        [organizationId],
      );
    const lines: ExportLine[] = rows.map((r) => ({
      externalRef: r.external_ref, name: r.name, emails: r.emails, locale: r.locale, timeZone: r.time_zone, status: r.status,
      site: r.site_id ? { domains: r.domains ?? [], server: r.server, accountUser: r.account_user, vendorSiteIds: r.vendor_site_ids ?? [] } : null,
    }));
    return toCsv(lines);
  }

  private async existing(em: EntityManager, organizationId: string, refs: string[]): Promise<Map<string, ExistingCustomer>> {
    const customers = await em
      .createQueryBuilder(Customer, 'c')
      .where('c.organization_id = :organizationId AND c.external_ref = ANY(:refs)', { organizationId, refs })
      .getMany();
    const sites = customers.length
      ? await em.createQueryBuilder(Site, 's').where('s.customer_id = ANY(:ids)', { ids: customers.map((c) => c.id) }).orderBy('s.created_at').addOrderBy('s.id').getMany()
      : [];
    const byCustomer = new Map<string, Site[]>();
    for (const s of sites) byCustomer.set(s.customerId, [...(byCustomer.get(s.customerId) ?? []), s]);
    return new Map(customers.map((c) => [c.externalRef, { ...c, sites: byCustomer.get(c.id) ?? [] }]));
  }

  // In bulk, a statement per 2,000 rows. clock_timestamp() rather than the transaction's now() as created_at keeps the
  // file's order in lists and in the export.
  private async write(em: EntityManager, organizationId: string, plan: ImportPlan): Promise<void> {
    const created = plan.customers.filter((c) => c.action === 'create');
    const updated = plan.customers.filter((c) => c.action === 'update');
    try {
      for (const part of chunks(created)) {
        await em.query(
          `INSERT INTO customers (id, organization_id, external_ref, name, emails, locale, time_zone, status, created_at)
           SELECT r.id, $1, r.external_ref, r.name, r.emails, r.locale, r.time_zone, r.status, clock_timestamp()
           FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, external_ref text, name text, emails text[], locale text, time_zone text, status text)`,
          [organizationId, JSON.stringify(part.map(customerRow))],
        );
      }
    } catch (err) {
      if (isUniqueViolation(err, UNIQUE_EXTERNAL_REF)) {
        throw new ConflictError('external_ref_taken', 'a customer with one of these external_ref values was created while the import ran; import again', 'external_ref');
      }
      throw err;
    }
    for (const part of chunks(updated)) {
      await em.query(
        `UPDATE customers c SET name = r.name, emails = r.emails, locale = r.locale, time_zone = r.time_zone, status = r.status, updated_at = now()
         FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, external_ref text, name text, emails text[], locale text, time_zone text, status text)
         WHERE c.id = r.id AND c.organization_id = $1`,
        [organizationId, JSON.stringify(part.map(customerRow))],
      );
    }
    const changedSites = plan.sites.filter((s) => s.action !== 'unchanged');
    for (const part of chunks(changedSites)) {
      await em.query(
        `INSERT INTO sites (id, organization_id, customer_id, domains, server, account_user, vendor_site_ids, created_at)
         SELECT r.id, $1, r.customer_id, r.domains, r.server, r.account_user, r.vendor_site_ids, clock_timestamp()
         FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, customer_id uuid, domains text[], server text, account_user text, vendor_site_ids text[])
         ON CONFLICT (id) DO UPDATE SET domains = EXCLUDED.domains, server = EXCLUDED.server, account_user = EXCLUDED.account_user,
           vendor_site_ids = EXCLUDED.vendor_site_ids, updated_at = now()
         WHERE sites.organization_id = $1`,
        [organizationId, JSON.stringify(part.map(siteRow))],
      );
    }
    // All changed sites at once: keys one site gives up are deleted before another site of the file claims them.
    await this.keys.replace(em, organizationId, changedSites.map((s) => ({ id: s.id, ...s.values })));
    if (changedSites.length) await enqueueRematch(this.jobs, em, organizationId);
  }
}

function report(mode: ImportMode, plan: ImportPlan): ImportReport {
  const count = <T extends { action: string }>(xs: T[], action: string) => xs.filter((x) => x.action === action).length;
  return {
    mode,
    created: count(plan.customers, 'create'),
    updated: count(plan.customers, 'update'),
    unchanged: count(plan.customers, 'unchanged'),
    sitesCreated: count(plan.sites, 'create'),
    sitesUpdated: count(plan.sites, 'update'),
    sitesUnchanged: count(plan.sites, 'unchanged'),
    rejected: plan.rejected,
  };
}

const customerRow = (c: PlannedCustomer) => ({
  id: c.id, external_ref: c.externalRef, name: c.values.name, emails: c.values.emails, locale: c.values.locale, time_zone: c.values.timeZone, status: c.values.status,
});

const siteRow = (s: PlannedSite) => ({
  id: s.id, customer_id: s.customerId, domains: s.values.domains, server: s.values.server, account_user: s.values.accountUser, vendor_site_ids: s.values.vendorSiteIds,
});

function chunks<T>(xs: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}
