import { Injectable, Logger } from '@nestjs/common';
import { orNullIfNotFound as orNull } from '../errors/domain-error';
import { BrandsService } from '../brands/brands.service';
import { Database } from '../db/database';
import type { ResolvedBrand } from './branded-email';
import type { RenderedChannelText } from './channel-renderer';
import type { ChannelTemplateData } from './channel-template-data';
import { channelSourceFor, ChannelSource, ChannelTemplateKind } from './channel-template-kinds';
import { TemplateRenderError } from './template-errors';
import { TemplateWorkers } from './template-workers';
import { TemplatesService } from './templates.service';

export interface BrandedChannelText {
  brand: ResolvedBrand;
  text: RenderedChannelText;
}

// The text of a chat, push, paging or SMS message, from the brand's published channel template (or the shipped
// default), rendered in the template worker threads when a delivery is composed: a replay after the operator fixed
// the template or the brand sends the fixed text. The causes call it; the adapters only escape and cut what it gives.
@Injectable()
export class ChannelTemplates {
  private readonly logger = new Logger('ChannelTemplates');

  constructor(
    private readonly db: Database,
    private readonly brands: BrandsService,
    private readonly templates: TemplatesService,
    private readonly workers: TemplateWorkers,
  ) {}

  // brandId null (or a brand deleted since): the organization's default brand.
  // destinationKind: the kind of the destination it goes to, whose override (byKind) the brand may have written.
  async render(organizationId: string, brandId: string | null, kind: ChannelTemplateKind, data: ChannelTemplateData, destinationKind: string): Promise<BrandedChannelText> {
    const brand = await this.brand(organizationId, brandId);
    const published = await this.published(organizationId, brand, kind);
    const own = published.source.byKind?.[destinationKind] ? destinationKind : null;
    const source = channelSourceFor(published.source, own);
    try {
      return { brand, text: await this.workers.renderChannel(source, brand.values, data, own ? `${published.cacheKey}:${own}` : published.cacheKey) };
    } catch (err) {
      const reason = err instanceof TemplateRenderError ? err.reason : 'compile_failed';
      this.logger.warn(`render of ${kind} (${published.cacheKey}, brand ${brand.id}) failed: ${reason}: ${(err as Error).message}`);
      throw err;
    }
  }

  private async brand(organizationId: string, brandId: string | null): Promise<ResolvedBrand> {
    if (brandId) {
      const own = await this.brands.resolve(organizationId, brandId).catch(orNull);
      if (own) return own;
    }
    return this.brands.resolve(organizationId, null);
  }

  private async published(organizationId: string, brand: ResolvedBrand, kind: ChannelTemplateKind): Promise<{ source: ChannelSource; cacheKey: string }> {
    const brandKey = `${brand.id}:${brand.version}`;
    const row: { id: string; channel: ChannelSource | null } | undefined = (
      await this.db.dataSource.query(
        `SELECT v.id, v.channel
           FROM templates t JOIN template_versions v ON v.template_id = t.id AND v.version = t.published_version
          WHERE t.organization_id = $1 AND t.brand_id = $2 AND t.kind = $3`,
        [organizationId, brand.id, kind],
      )
    )[0];
    if (!row?.channel) return { source: this.templates.defaultChannelSource(kind), cacheKey: `default:${kind}:${brandKey}` };
    return { source: row.channel, cacheKey: `${row.id}:${brandKey}` };
  }
}
