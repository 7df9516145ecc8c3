import { Injectable, Logger } from '@nestjs/common';
import { BrandsService } from '../brands/brands.service';
import type { DigestCadence } from './digest-period';
import { DigestSettingsService, EffectiveSettings } from './digest-settings.service';
import { UnsubscribeLinks } from './unsubscribe-links';

export interface PreferencesState {
  brandName: string;
  customerName: string;
  cadence: DigestCadence;
}

@Injectable()
export class UnsubscribeService {
  private readonly logger = new Logger('Digests');

  constructor(
    private readonly links: UnsubscribeLinks,
    private readonly settings: DigestSettingsService,
    private readonly brands: BrandsService,
  ) {}

  async state(token: string): Promise<PreferencesState | null> {
    const customerId = this.links.verify(token);
    const s = customerId ? await this.settings.findForCustomer(customerId) : null;
    return s ? this.describe(s) : null;
  }

  async set(token: string, cadence: DigestCadence): Promise<PreferencesState | null> {
    const customerId = this.links.verify(token);
    const s = customerId ? await this.settings.setCadence(customerId, cadence) : null;
    if (!s) return null;
    this.logger.log(`customer ${s.customer.id}: digest cadence set to ${cadence} through the preferences link`);
    return this.describe(s);
  }

  private async describe(s: EffectiveSettings): Promise<PreferencesState> {
    const brand = await this.brands.resolve(s.customer.organizationId, s.customer.brandId).catch(() => null);
    return { brandName: brand?.values.name ?? s.customer.name, customerName: s.customer.name, cadence: s.subscription.cadence };
  }
}
