import { Injectable } from '@nestjs/common';
import { BrandsService } from '../brands/brands.service';
import { Database } from '../db/database';
import { resolveBrand } from '../templates/brand-values';
import type { ResolvedBrand } from '../templates/branded-email';
import { DIGEST_LIST_LIMITS, DigestTemplateData } from '../templates/template-data';
import { Clock } from './clock';
import { Cadence, monthToDate, PeriodWindow, previousPeriod } from './digest-period';
import { DigestRow, toTemplateData } from './digest-content';
import { DIGEST_SQL } from './digest-sql';
import { DigestSettingsService, EffectiveSettings, scheduleOf } from './digest-settings.service';
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
    private readonly clock: Clock,
  ) {}

  async build(organizationId: string, customerId: string, cadence: Cadence, period: { start: Date; end: Date }): Promise<DigestTemplateData> {
    return (await this.buildFull(await this.settings.get(organizationId, customerId), cadence, period, false)).data;
  }

  async buildFull(settings: EffectiveSettings, cadence: Cadence, period: PeriodWindow, late: boolean, brand?: ResolvedBrand): Promise<BuiltDigest> {
    const { customer, subscription } = settings;
    brand ??= await this.brands.resolve(customer.organizationId, customer.brandId);
    const schedule = scheduleOf(subscription, customer, cadence);
    const previous = previousPeriod(schedule, period);
    const month = monthToDate(settings.timeZone, period);
    const [row]: DigestRow[] = await this.db.dataSource.query(DIGEST_SQL, [
      customer.organizationId, customer.id, previous.start, period.start, period.end, settings.kinds, month.start,
      DIGEST_LIST_LIMITS.topThreats, DIGEST_LIST_LIMITS.sites,
    ]);
    const portal = (brand.values.portalUrl || brand.publicBaseUrl).replace(/\/$/, '');
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
        portal,
        sites: `${portal}#sites`,
        threats: `${portal}#threats`,
        support: brand.values.supportUrl || portal,
        preferences: manage.preferences,
        unsubscribe: manage.unsubscribe,
      },
    });
    return { data, brand, settings };
  }
}
