import { Injectable } from '@nestjs/common';
import type { PublishedTemplate, ResolvedBrand } from '../templates/branded-email';
import type { DigestTemplateData } from '../templates/template-data';
import type { DigestKind } from '../templates/template-kinds';
import type { RenderedEmail } from '../templates/template-renderer';
import { TemplatesService } from '../templates/templates.service';

export interface RenderedDigest {
  email: RenderedEmail;
  templateKey: string; // (template version, brand version) that produced it
}

const TTL_MS = 5_000;

// The one place a digest becomes subject, HTML and text: the brand's published template (or the shipped default)
// through TemplatesService.renderPublished, compiled once per (template version, brand version) in a worker thread
// into the shared TemplateRenderer. Within a run the published version is looked up once per brand and kind every few seconds
// (a newly published version applies within TTL_MS); each email then only runs Handlebars.
@Injectable()
export class DigestRenderer {
  private readonly published = new Map<string, { at: number; template: PublishedTemplate }>();

  constructor(private readonly templates: TemplatesService) {}

  async render(organizationId: string, brand: ResolvedBrand, kind: DigestKind, data: DigestTemplateData): Promise<RenderedDigest> {
    const key = `${organizationId}:${brand.id}:${brand.version}:${kind}`;
    const hit = this.published.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) {
      return { email: await this.templates.render(hit.template, brand.values, data), templateKey: hit.template.cacheKey };
    }
    const branded = await this.templates.renderPublished(organizationId, brand.id, kind, data);
    if (this.published.size > 1000) this.published.clear();
    this.published.set(key, { at: Date.now(), template: branded.template });
    return { email: branded.email, templateKey: branded.template.cacheKey };
  }
}
