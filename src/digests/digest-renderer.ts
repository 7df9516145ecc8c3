import { Injectable } from '@nestjs/common';
import type { ResolvedBrand } from '../templates/branded-email';
import type { DigestTemplateData } from '../templates/template-data';
import type { DigestKind } from '../templates/template-kinds';
import type { RenderedEmail } from '../templates/template-renderer';
import { TemplatesService } from '../templates/templates.service';

export interface RenderedDigest {
  email: RenderedEmail;
  templateKey: string; // (template version, brand version) that produced it
}

// The one place a digest becomes subject, HTML and text: the brand's published template (or the shipped default),
// compiled once per (template version, brand version) by the shared TemplateRenderer, Handlebars per email.
@Injectable()
export class DigestRenderer {
  constructor(private readonly templates: TemplatesService) {}

  async render(organizationId: string, brand: ResolvedBrand, kind: DigestKind, data: DigestTemplateData): Promise<RenderedDigest> {
    const branded = await this.templates.renderPublished(organizationId, brand.id, kind, data);
    return { email: branded.email, templateKey: branded.template.cacheKey };
  }
}
