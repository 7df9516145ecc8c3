import { Injectable } from '@nestjs/common';
import { BrandsService } from '../brands/brands.service';
import { Database } from '../db/database';
import { resolveBrand } from '../templates/brand-values';
import type { ResolvedBrand } from '../templates/branded-email';
import { DIGEST_LIST_LIMITS, DigestTemplateData } from '../templates/template-data';
import { Clock } from './clock';
import { Cadence, monthToDate, PeriodWindow, previousPeriod } from './digest-period';
import { DigestRow, toTemplateData } from './digest-content';
import { DIGEST_BATCH_SQL, DIGEST_SQL } from './digest-sql';
import { DigestSettingsService, EffectiveSettings, scheduleOf } from './digest-settings.service';
import { CustomerPageLinks } from './customer-page-links';
import { UnsubscribeLinks } from './unsubscribe-links';

export interface BuiltDigest {
  data: DigestTemplateData;
  brand: ResolvedBrand;
  settings: EffectiveSettings;
}

// What a customer's digest shows for a period, computed by one SQL statement over the events (never loaded into
// memory): bounded by DIGEST_LIST_LIMITS whatever the customer's size. Also used by the template editor's preview.
@Injectable()
export class DigestData {
  constructor(
    private readonly db: Database,
    private readonly settings: DigestSettingsService,
    private readonly brands: BrandsService,
    private readonly links: UnsubscribeLinks,
    private readonly pageLinks: CustomerPageLinks,
    private readonly clock: Clock,
  ) {}

  async build(organizationId: string, customerId: string, cadence: Cadence, period: { start: Date; end: Date }): Promise<DigestTemplateData> {
    return (await this.buildFull(await this.settings.get(organizationId, customerId), cadence, period, false)).data;
  }

  async buildFull(settings: EffectiveSettings, cadence: Cadence, period: PeriodWindow, late: boolean, brand?: ResolvedBrand): Promise<BuiltDigest> {
    brand ??= await this.brands.resolve(settings.customer.organizationId, settings.customer.brandId);
    const input = this.input(settings, cadence, period);
    const [row]: DigestRow[] = await this.db.dataSource.query(DIGEST_SQL, [
      settings.customer.organizationId, settings.customer.id, input.previous.start, period.start, period.end, settings.kinds, input.month.start,
      DIGEST_LIST_LIMITS.topThreats, DIGEST_LIST_LIMITS.sites,
    ]);
    return this.toBuilt(row, settings, cadence, period, late, brand, input.previous);
  }

  // A batch of a run in one statement (DIGEST_BATCH_SQL): the same result as buildFull for each, in order.
  async buildMany(items: { settings: EffectiveSettings; cadence: Cadence; period: PeriodWindow; late: boolean; brand: ResolvedBrand }[]): Promise<BuiltDigest[]> {
    if (!items.length) return [];
    const inputs = items.map((it) => this.input(it.settings, it.cadence, it.period));
    const rows = await this.db.rows<DigestRow & { i: number }>(DIGEST_BATCH_SQL, [
      items.map((it) => it.settings.customer.organizationId), items.map((it) => it.settings.customer.id), inputs.map((x) => x.previous.start),
      items.map((it) => it.period.start), items.map((it) => it.period.end), items.map((it) => it.settings.kinds?.join(',') ?? null),
      inputs.map((x) => x.month.start), DIGEST_LIST_LIMITS.topThreats, DIGEST_LIST_LIMITS.sites,
    ]);
    return rows.map((row) => {
      const it = items[row.i - 1];
      return this.toBuilt(row, it.settings, it.cadence, it.period, it.late, it.brand, inputs[row.i - 1].previous);
    });
  }

  private input(settings: EffectiveSettings, cadence: Cadence, period: PeriodWindow) {
    const schedule = scheduleOf(settings.subscription, settings.customer, cadence);
    return { previous: previousPeriod(schedule, period), month: monthToDate(settings.timeZone, period) };
  }

  private toBuilt(row: DigestRow, settings: EffectiveSettings, cadence: Cadence, period: PeriodWindow, late: boolean, brand: ResolvedBrand, previous: PeriodWindow): BuiltDigest {
    const { customer } = settings;
    // The brand's portal, else the hosted customer page for this period (never the service's root, which is no page).
    const page = this.pageLinks.forMessage(brand, customer.id, { cadence, start: period.start, end: period.end });
    const manage = this.links.forCustomer(brand.publicBaseUrl, customer.id);
    const data = toTemplateData(row, {
      cadence,
      locale: settings.locale,
      timeZone: settings.timeZone,
      now: this.clock.now(),
      period,
      previous,
      late,
      brand: resolveBrand(brand.values),
      customer: { id: customer.id, name: customer.name },
      recipients: settings.recipients,
      links: {
        portal: page.portal,
        sites: page.sites,
        threats: page.threats,
        support: page.support,
        preferences: manage.preferences,
        unsubscribe: manage.unsubscribe,
      },
      siteUrl: page.site,
    });
    return { data, brand, settings };
  }
}
