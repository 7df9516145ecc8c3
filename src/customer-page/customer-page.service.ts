import { Injectable } from '@nestjs/common';
import { BrandsService } from '../brands/brands.service';
import { CustomersService } from '../customers/customers.service';
import { Database } from '../db/database';
import { Clock } from '../digests/clock';
import { DigestSettingsService } from '../digests/digest-settings.service';
import { brandForLocale, resolveBrand } from '../templates/brand-values';
import { CustomerPageLinks } from '../digests/customer-page-links';
import { LinkProblem, PageRow, renderCustomerPage, renderLinkProblem } from './page-html';
import { localMonthSoFar } from './page-month';
import { pageLocale } from './page-strings';
import { PAGE_SQL } from './page-sql';
import { linkState } from '../digests/page-token';

// Open threats are those whose latest event in this many days is a detection (a bound on what a page view reads).
export const LOOKBACK_DAYS = 90;
// What one page lists at most, so that it stays small (~250 KB) and quick for a customer of any size.
const LIMITS = { sites: 500, perSite: 5, open: 50, onCards: 200 };

export type PageResult = { status: 200; html: string } | { status: 404 | 410; problem: LinkProblem; html: string };

@Injectable()
export class CustomerPageService {
  // Loads of the same page at the same time (a mail's link scanner, a reload storm) share one statement.
  private readonly inflight = new Map<string, Promise<PageRow>>();

  constructor(
    private readonly db: Database,
    private readonly links: CustomerPageLinks,
    private readonly settings: DigestSettingsService,
    private readonly customers: CustomersService,
    private readonly brands: BrandsService,
    private readonly clock: Clock,
  ) {}

  // The page behind a link: 404 for anything not signed here (or a deleted customer), 410 for an expired or revoked one.
  async page(token: string): Promise<PageResult> {
    const t = this.links.verify(token);
    const s = t ? await this.settings.findForCustomer(t.customerId) : null;
    if (!t || !s) return { status: 404, problem: 'invalid', html: renderLinkProblem('invalid', null) };
    const { customer } = s;
    const brand = await this.brands.resolve(customer.organizationId, customer.brandId);
    // Footer and legal text in the customer's locale, as its mails show them.
    const values = brandForLocale(resolveBrand(brand.values), brand.values.localized, s.locale);
    const lang = pageLocale(s.locale);
    const now = this.clock.now();
    const state = linkState(t.issuedAt, now, brand.customerPageTtlDays, await this.revokedBefore(customer.id));
    if (state !== 'valid') return { status: 410, problem: state, html: renderLinkProblem(state, values, lang) };
    const month = localMonthSoFar(s.timeZone, now);
    const row = await this.load([
      customer.organizationId, customer.id, new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000), month.start, now,
      t.period?.start ?? null, t.period?.end ?? null, LIMITS.sites, LIMITS.perSite, LIMITS.open, LIMITS.onCards,
    ]);
    const html = renderCustomerPage(row, {
      lang, brand: values, customerName: customer.name, timeZone: s.timeZone, now, monthStart: month.start, period: t.period, lookbackDays: LOOKBACK_DAYS, limits: LIMITS,
    });
    return { status: 200, html };
  }

  // A fresh link for the operator to hand out (e.g. after revoking the old ones).
  async issue(organizationId: string, customerId: string): Promise<{ url: string; expiresAt: Date }> {
    const customer = await this.customers.get(organizationId, customerId);
    const brand = await this.brands.resolve(organizationId, customer.brandId);
    const now = this.clock.now();
    return { url: this.links.page(brand.publicBaseUrl, customer.id, null), expiresAt: new Date(now.getTime() + brand.customerPageTtlDays * 86_400_000) };
  }

  // Every link made before now stops working (the ones in mails already sent included); links made later work.
  async revoke(organizationId: string, customerId: string): Promise<{ customerId: string; revokedBefore: Date }> {
    await this.customers.get(organizationId, customerId);
    const now = this.clock.now();
    await this.db.dataSource.query(
      `INSERT INTO customer_page_revocations (customer_id, organization_id, revoked_before) VALUES ($1, $2, $3)
       ON CONFLICT (customer_id) DO UPDATE SET revoked_before = greatest(customer_page_revocations.revoked_before, EXCLUDED.revoked_before)`,
      [customerId, organizationId, now],
    );
    return { customerId, revokedBefore: now };
  }

  private load(params: unknown[]): Promise<PageRow> {
    const key = JSON.stringify([params[1], params[3], params[5], params[6]]); // customer, month, period
    let p = this.inflight.get(key);
    if (!p) {
      p = this.db.dataSource.query(PAGE_SQL, params).then((rows: PageRow[]) => rows[0]);
      this.inflight.set(key, p);
      void p.finally(() => this.inflight.delete(key)).catch(() => undefined);
    }
    return p;
  }

  private async revokedBefore(customerId: string): Promise<Date | null> {
    const [r]: { at: Date }[] = await this.db.dataSource.query(`SELECT revoked_before AS at FROM customer_page_revocations WHERE customer_id = $1`, [customerId]);
    return r ? new Date(r.at) : null;
  }
}
