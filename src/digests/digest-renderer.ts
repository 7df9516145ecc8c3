import { Injectable, Logger } from '@nestjs/common';
import type { PublishedTemplate, ResolvedBrand } from '../templates/branded-email';
import type { DigestTemplateData } from '../templates/template-data';
import type { DigestKind } from '../templates/template-kinds';
import type { RenderedEmail } from '../templates/template-renderer';
import { TemplatesService } from '../templates/templates.service';
import { DIGEST_SIZE_BUDGET, encodedSize, FitStep, nextStep, shrinkDigest } from './digest-fit';

export interface RenderedDigest {
  email: RenderedEmail;
  templateKey: string; // (template version, brand version) that produced it
  htmlPartBytes: number; // the HTML part as sent (encoded)
  sentBytes: number; // both parts as sent (encoded): kept under DIGEST_SIZE_BUDGET when the lists allow
}

const TTL_MS = 5_000;

// The one place a digest becomes subject, HTML and text: the brand's published template (or the shipped default)
// through TemplatesService.renderPublished, compiled once per (template version, brand version) in a worker thread
// into the shared TemplateRenderer. Within a run the published version is looked up once per brand and kind every few seconds
// (a newly published version applies within TTL_MS); each email then only runs Handlebars.
@Injectable()
export class DigestRenderer {
  private readonly published = new Map<string, { at: number; template: PublishedTemplate }>();
  private readonly logger = new Logger('Digests');

  constructor(private readonly templates: TemplatesService) {}

  // Rendered as given when its parts fit DIGEST_SIZE_BUDGET; else with long strings shortened, then with fewer rows
  // (estimated from the size of the same digest with no rows, checked by rendering), until it fits. The rows left
  // out go into "and N more", which links to the page that lists them all. Only large digests render more than once.
  async render(organizationId: string, brand: ResolvedBrand, kind: DigestKind, data: DigestTemplateData): Promise<RenderedDigest> {
    const first = await this.renderOnce(organizationId, brand, kind, data);
    if (first.sentBytes <= DIGEST_SIZE_BUDGET) return first;
    let step: FitStep = { sites: data.sites.length, threats: data.topThreats.length, short: true };
    let out = await this.renderOnce(organizationId, brand, kind, shrinkDigest(data, step));
    let fixed: number | null = null;
    while (out.sentBytes > DIGEST_SIZE_BUDGET) {
      fixed ??= (await this.renderOnce(organizationId, brand, kind, shrinkDigest(data, { sites: 0, threats: 0, short: true }))).sentBytes;
      const next = nextStep(step, out.sentBytes, fixed);
      if (!next) {
        // The template alone is over budget: nothing a list can do.
        this.logger.warn(`digest of ${data.customer.id}: ${out.sentBytes} bytes with no rows listed, over the ${DIGEST_SIZE_BUDGET}-byte budget (template of brand ${brand.id})`);
        break;
      }
      step = next;
      out = await this.renderOnce(organizationId, brand, kind, shrinkDigest(data, step));
    }
    return out;
  }

  private async renderOnce(organizationId: string, brand: ResolvedBrand, kind: DigestKind, data: DigestTemplateData): Promise<RenderedDigest> {
    const key = `${organizationId}:${brand.id}:${brand.version}:${kind}`;
    const hit = this.published.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) {
      return this.measured(await this.templates.render(hit.template, brand.values, data), hit.template.cacheKey);
    }
    const branded = await this.templates.renderPublished(organizationId, brand.id, kind, data);
    if (this.published.size > 1000) this.published.clear();
    this.published.set(key, { at: Date.now(), template: branded.template });
    return this.measured(branded.email, branded.template.cacheKey);
  }

  private measured(email: RenderedEmail, templateKey: string): RenderedDigest {
    const htmlPartBytes = encodedSize('text/html', email.html);
    return { email, templateKey, htmlPartBytes, sentBytes: htmlPartBytes + encodedSize('text/plain', email.text) };
  }
}
