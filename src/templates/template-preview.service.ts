import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { BrandsService } from '../brands/brands.service';
import { CustomersService } from '../customers/customers.service';
import { DomainError, ValidationError } from '../errors/domain-error';
import { Mailer } from '../mail/mailer';
import type { BrandValues } from './brand-values';
import { brandEnvelope } from './branded-email';
import { PreviewDataSources } from './preview-data';
import { sampleData } from './sample-data';
import { TemplateCompileError } from './template-errors';
import { TemplateInvalidError } from './template-invalid';
import { ChannelSource, ChannelTemplateKind, isChannelTemplateKind, TemplateKind, TemplateSource } from './template-kinds';
import type { RenderedChannelText } from './channel-renderer';
import { versionSource } from './version-source';
import { ChannelKindNames } from './channel-kind-names';
import { RenderedEmail, TemplateRenderError } from './template-renderer';
import { Issue } from './template-validator';
import { TemplateWorkers } from './template-workers';
import { Template } from './template.entity';
import { PreviewDto, TestSendDto } from './templates.dto';
import { TemplatesService } from './templates.service';

export interface Preview extends RenderedEmail {
  warnings: Issue[];
  bytes: { html: number; text: number };
}

export interface ChannelPreview extends RenderedChannelText {
  warnings: Issue[];
  chars: number;
}

// Previews and test sends: operator-supplied sources, compiled and rendered in the worker threads (template-workers.ts).
@Injectable()
export class TemplatePreviewService {
  private readonly logger = new Logger('TemplatePreview');

  constructor(
    private readonly workers: TemplateWorkers,
    private readonly templates: TemplatesService,
    private readonly brands: BrandsService,
    private readonly customers: CustomersService,
    private readonly previewData: PreviewDataSources,
    private readonly mailer: Mailer,
    private readonly channelKinds: ChannelKindNames,
  ) {}

  async preview(organizationId: string, id: string, dto: PreviewDto): Promise<Preview | ChannelPreview> {
    const template = await this.templates.get(organizationId, id);
    if (isChannelTemplateKind(template.kind)) return this.previewChannel(organizationId, template, template.kind, dto);
    if (dto.destinationKind) throw new ValidationError('destinationKind', `destinationKind applies to channel templates; ${template.kind} is an e-mail`);
    const source = dto.source ? versionSource(template.kind, dto.source) : await this.savedSource(organizationId, template, dto.version);
    const values = await this.brandValues(organizationId, template, dto);
    const data = await this.data(organizationId, template.kind, dto);
    // Validation, compile and render in one task of the worker threads: the same errors as a save, then the email.
    const outcome = await this.inWorkers(template, () => this.workers.preview(template.kind, source, values, data, previewKey(template, source, values)));
    if ('invalid' in outcome) throw new TemplateInvalidError(outcome.invalid.errors, outcome.invalid.warnings);
    const { email, warnings } = outcome;
    return { ...email, warnings, bytes: { html: Buffer.byteLength(email.html, 'utf8'), text: Buffer.byteLength(email.text, 'utf8') } };
  }

  // A channel kind: the four parts with sample data, as the channel adapters would get them (before their escaping).
  private async previewChannel(organizationId: string, template: Template, kind: ChannelTemplateKind, dto: PreviewDto): Promise<ChannelPreview> {
    if (dto.customerId || dto.period) throw new ValidationError(dto.customerId ? 'customerId' : 'period', `previews of ${kind} use sample data; customerId and period apply to digest kinds only`);
    const source = dto.source ? versionSource(kind, dto.source, this.channelKinds).channel! : await this.savedChannelSource(organizationId, template, dto.version);
    const destinationKind = dto.destinationKind ?? null;
    if (destinationKind && !this.channelKinds.has(destinationKind)) {
      throw new ValidationError('destinationKind', `destinationKind: "${destinationKind}" is not a channel destination kind (${this.channelKinds.list().join(', ')})`);
    }
    const values = await this.brandValues(organizationId, template, dto);
    const data = sampleData(kind, dto.locale ?? 'en');
    const key = previewKey(template, source, values) + (destinationKind ? `:${destinationKind}` : '');
    const outcome = await this.inWorkers(template, () => this.workers.previewChannel(kind, source, values, data, key, destinationKind));
    if ('invalid' in outcome) throw new TemplateInvalidError(outcome.invalid.errors, outcome.invalid.warnings);
    return { ...outcome.text, warnings: outcome.warnings, chars: Array.from(outcome.text.body).length };
  }

  private async savedChannelSource(organizationId: string, template: Template, version?: number): Promise<ChannelSource> {
    const v = await this.templates.version(organizationId, template.id, version ?? template.publishedVersion);
    return v.channel ?? this.templates.defaultChannelSource(template.kind as ChannelTemplateKind);
  }

  // The brand as saved, with the editor's unsaved brand edits over it.
  private async brandValues(organizationId: string, template: Template, dto: PreviewDto): Promise<BrandValues> {
    const brand = await this.brands.resolve(organizationId, template.brandId);
    const edits = Object.fromEntries(Object.entries(dto.brand ?? {}).filter(([, v]) => v !== undefined));
    return { ...brand.values, ...edits };
  }

  // Sample data, sent as the brand sends (its sender, reply-to and DKIM key), to one address.
  async testSend(organizationId: string, id: string, dto: TestSendDto): Promise<{ messageId: string }> {
    const template = await this.templates.get(organizationId, id);
    if (isChannelTemplateKind(template.kind)) {
      throw new ValidationError('to', `${template.kind} is a channel message, not an e-mail: preview it here, or send a destination's test message`);
    }
    const version = dto.version ?? template.publishedVersion;
    const source = await this.savedSource(organizationId, template, version);
    const brand = await this.brands.resolve(organizationId, template.brandId);
    const data = { ...sampleData(template.kind, dto.locale ?? 'en'), recipient: { email: dto.to } };
    const email = await this.inWorkers(template, () => this.workers.render(source, brand.values, data, previewKey(template, source, brand.values)));
    const sent = await this.mailer.send({
      ...brandEnvelope(brand),
      to: [dto.to],
      subject: email.subject,
      html: email.html,
      text: email.text,
      headers: { 'X-Hostdigest-Test-Send': `template=${template.id}; version=${version}` },
      organizationId,
    }).catch((err: Error) => {
      throw new DomainError('test_send_failed', `the mail server did not accept the test message: ${err.message}`, 502);
    });
    return { messageId: sent.messageId };
  }

  private async savedSource(organizationId: string, template: Template, version?: number): Promise<TemplateSource> {
    const v = await this.templates.version(organizationId, template.id, version ?? template.publishedVersion);
    return { subject: v.subject, mjml: v.mjml, text: v.text };
  }

  private async data(organizationId: string, kind: TemplateKind, dto: PreviewDto): Promise<object> {
    if (!dto.customerId) {
      if (dto.period) throw new ValidationError('customerId', 'period needs a customerId: without one the preview uses sample data');
      return sampleData(kind, dto.locale ?? 'en');
    }
    const source = this.previewData.get(kind);
    if (!source) throw new ValidationError('customerId', `previews with a real customer exist for digest kinds only; ${kind} previews use sample data`);
    if (!dto.period) throw new ValidationError('period', 'a preview with a customerId needs a period {start, end}');
    if (new Date(dto.period.end) <= new Date(dto.period.start)) throw new ValidationError('period.end', 'period.end must be after period.start');
    await this.customers.get(organizationId, dto.customerId);
    const data = await source.build(organizationId, dto.customerId, kind, { start: new Date(dto.period.start), end: new Date(dto.period.end) });
    return dto.locale ? { ...data, locale: dto.locale } : data;
  }

  private async inWorkers<T>(template: Template, task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } catch (err) {
      if (err instanceof TemplateCompileError) throw TemplateInvalidError.fromCompile(err);
      if (err instanceof TemplateRenderError) this.logger.warn(`preview of template ${template.id} failed: ${err.reason}: ${err.message}`);
      throw err;
    }
  }
}

// Unsaved sources and brand edits change with every keystroke of the editor: keyed by content, in the workers' own
// caches, they never push the senders' compiled templates out of the shared one.
const previewKey = (template: Template, source: TemplateSource | ChannelSource, brand: BrandValues) =>
  'preview:' + createHash('sha256').update(JSON.stringify([template.kind, source, brand])).digest('base64url');
