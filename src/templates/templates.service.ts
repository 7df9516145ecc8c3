import { Injectable, Logger } from '@nestjs/common';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import { paginate, Page, PageQuery } from '../api/pagination';
import { BrandsService } from '../brands/brands.service';
import { Database } from '../db/database';
import { ConflictError, NotFoundError } from '../errors/domain-error';
import type { BrandValues } from './brand-values';
import type { BrandedEmail, PublishedTemplate, ResolvedBrand } from './branded-email';
import { loadDefaultChannelTemplate, loadDefaultTemplate } from './default-templates';
import { TemplateInvalidError } from './template-invalid';
import { LruCache } from './lru-cache';
import { ChannelSource, ChannelTemplateKind, EmailTemplateKind, isChannelTemplateKind, TemplateKind, TemplateSource } from './template-kinds';
import { versionSource, VersionSource } from './version-source';
import { ChannelKindNames } from './channel-kind-names';
import { CompiledTemplate, RenderedEmail, TemplateRenderer, TemplateRenderError } from './template-renderer';
import { Issue } from './template-validator';
import { TemplateWorkers } from './template-workers';
import { TemplateVersion } from './template-version.entity';
import { Template } from './template.entity';
import { CreateTemplateDto, SaveVersionDto, TemplateQuery } from './templates.dto';

export interface SavedVersion {
  version: number;
  published: boolean;
  warnings: Issue[];
}

const UNIQUE_BRAND_KIND = 'templates_brand_kind';
const MAX_VERSION = 2_147_483_647;
// A digest renders in ~0.3 ms: a published template that needs more than this renders in the worker threads, for
// SLOW_FOR_MS (then it is tried here again, so that one pause of the process does not slow a template for good).
const INLINE_RENDER_MS = 100;
const SLOW_FOR_MS = 10 * 60_000;

@Injectable()
export class TemplatesService {
  private readonly logger = new Logger('Templates');
  private readonly defaults = new Map<EmailTemplateKind, TemplateSource>();
  private readonly channelDefaults = new Map<ChannelTemplateKind, ChannelSource>();
  private readonly repo: Repository<Template>;
  private readonly slowSince = new LruCache<string, number>(1000);
  private readonly compiling = new Map<string, Promise<CompiledTemplate>>();

  constructor(
    private readonly db: Database,
    private readonly brands: BrandsService,
    private readonly renderer: TemplateRenderer,
    private readonly workers: TemplateWorkers,
    private readonly channelKinds: ChannelKindNames,
  ) {
    this.repo = db.dataSource.getRepository(Template);
  }

  list(organizationId: string, q: TemplateQuery): Promise<Page<Template>> {
    const qb = this.repo.createQueryBuilder('t').where('t.organization_id = :organizationId', { organizationId });
    if (q.brandId) qb.andWhere('t.brand_id = :brandId', { brandId: q.brandId });
    if (q.kind) qb.andWhere('t.kind = :kind', { kind: q.kind });
    return paginate(qb, q, { table: 'templates' });
  }

  async get(organizationId: string, id: string, em: EntityManager = this.db.manager): Promise<Template> {
    const template = await em.findOneBy(Template, { id, organizationId });
    if (!template) throw new NotFoundError('template', id);
    return template;
  }

  // The brand's override of a kind, starting as a copy of the shipped default (version 1, published).
  async create(organizationId: string, dto: CreateTemplateDto, author: string): Promise<Template> {
    await this.brands.get(organizationId, dto.brandId);
    const source = this.defaultVersionSource(dto.kind);
    try {
      return await this.db.transaction(async (em) => {
        const template = await em.save(Template, em.create(Template, { organizationId, brandId: dto.brandId, kind: dto.kind, publishedVersion: 1, latestVersion: 1 }));
        await em.save(TemplateVersion, em.create(TemplateVersion, {
          templateId: template.id, organizationId, version: 1, ...source, note: 'shipped default', createdBy: author, publishedAt: new Date(), publishedBy: author,
        }));
        return template;
      });
    } catch (err) {
      const e = err instanceof QueryFailedError ? (err.driverError as { code?: string; constraint?: string }) : null;
      if (e?.code === '23505' && e.constraint === UNIQUE_BRAND_KIND) {
        throw new ConflictError('template_exists', `brand ${dto.brandId} already has a ${dto.kind} template: add a version to it instead`, 'kind');
      }
      throw err;
    }
  }

  async version(organizationId: string, id: string, version: number, em: EntityManager = this.db.manager): Promise<TemplateVersion> {
    // Beyond int4 no version can exist; asking PostgreSQL would be an out-of-range error, not an answer.
    const found = version >= 1 && version <= MAX_VERSION ? await em.findOneBy(TemplateVersion, { templateId: id, organizationId, version }) : null;
    if (!found) throw new NotFoundError(`version ${version} of template`, id);
    return found;
  }

  async withPublished(organizationId: string, id: string): Promise<{ template: Template; published: TemplateVersion }> {
    const template = await this.get(organizationId, id);
    return { template, published: await this.version(organizationId, id, template.publishedVersion) };
  }

  async versions(organizationId: string, id: string, q: PageQuery): Promise<{ template: Template; page: Page<TemplateVersion> }> {
    const template = await this.get(organizationId, id);
    const qb = this.db.manager.createQueryBuilder(TemplateVersion, 'v')
      .select(['v.id', 'v.templateId', 'v.version', 'v.note', 'v.createdAt', 'v.createdBy', 'v.publishedAt', 'v.publishedBy'])
      .where('v.template_id = :id', { id });
    return { template, page: await paginate(qb, q, { table: 'template_versions', sortColumn: 'version' }) };
  }

  // Every save is a new version; the validator's errors refuse it with 422, its warnings come back with it.
  async save(organizationId: string, id: string, dto: SaveVersionDto, author: string): Promise<SavedVersion> {
    const template = await this.get(organizationId, id);
    const source = versionSource(template.kind, dto, this.channelKinds);
    const { errors, warnings } = source.channel && isChannelTemplateKind(template.kind)
      ? await this.workers.validateChannel(template.kind, source.channel)
      : await this.workers.validate(template.kind, source, this.renderer.limits);
    if (errors.length) throw new TemplateInvalidError(errors, warnings);
    return this.db.transaction(async (em) => {
      // The row lock numbers concurrent saves one after the other.
      const t = await em.findOneOrFail(Template, { where: { id: template.id }, lock: { mode: 'pessimistic_write' } });
      const next = t.latestVersion + 1;
      const now = new Date();
      await em.save(TemplateVersion, em.create(TemplateVersion, {
        templateId: t.id, organizationId, version: next, ...source, note: dto.note ?? null, createdBy: author,
        publishedAt: dto.publish ? now : null, publishedBy: dto.publish ? author : null,
      }));
      t.latestVersion = next;
      if (dto.publish) t.publishedVersion = next;
      await em.save(Template, t);
      return { version: next, published: !!dto.publish, warnings };
    });
  }

  // Publishes a draft or rolls back to an earlier version; either way that version now goes out.
  async publish(organizationId: string, id: string, version: number, author: string): Promise<{ template: Template; published: TemplateVersion }> {
    return this.db.transaction(async (em) => {
      const t = await em.findOne(Template, { where: { id, organizationId }, lock: { mode: 'pessimistic_write' } });
      if (!t) throw new NotFoundError('template', id);
      const v = await this.version(organizationId, id, version, em);
      v.publishedAt = new Date();
      v.publishedBy = author;
      await em.save(TemplateVersion, v);
      t.publishedVersion = version;
      await em.save(Template, t);
      return { template: t, published: v };
    });
  }

  // Shipped defaults are read from disk once per process.
  defaultSource(kind: EmailTemplateKind): TemplateSource {
    let source = this.defaults.get(kind);
    if (!source) this.defaults.set(kind, (source = loadDefaultTemplate(kind)));
    return source;
  }

  defaultChannelSource(kind: ChannelTemplateKind): ChannelSource {
    let source = this.channelDefaults.get(kind);
    if (!source) this.channelDefaults.set(kind, (source = loadDefaultChannelTemplate(kind)));
    return source;
  }

  private defaultVersionSource(kind: TemplateKind): VersionSource {
    if (isChannelTemplateKind(kind)) return { subject: '', mjml: '', text: '', channel: this.defaultChannelSource(kind) };
    return { ...this.defaultSource(kind), channel: null };
  }

  // What a brand sends for a kind: its published version, or the shipped default until it overrides the kind.
  async published(organizationId: string, brandId: string | null, kind: EmailTemplateKind): Promise<PublishedTemplate> {
    return this.publishedFor(organizationId, await this.brands.resolve(organizationId, brandId), kind);
  }

  // Renders one email with the shared compile cache. A render that fails is logged and thrown for this email only.
  // Operator-written Handlebars strings in a JSON value (a rule action's params), rendered off the event loop in the
  // template sandbox. Throws TemplateCompileError / TemplateRenderError.
  renderValues(values: unknown, data: object): Promise<unknown> {
    return this.workers.renderValues(values, data);
  }

  async renderPublished(organizationId: string, brandId: string | null, kind: EmailTemplateKind, data: object): Promise<BrandedEmail> {
    const brand = await this.brands.resolve(organizationId, brandId);
    const template = await this.publishedFor(organizationId, brand, kind);
    try {
      return { brand, template, email: await this.render(template, brand.values, data) };
    } catch (err) {
      const reason = err instanceof TemplateRenderError ? err.reason : 'compile_failed';
      this.logger.warn(`render of ${kind} (template ${template.templateId ?? 'default'} v${template.version ?? '-'}, brand ${brand.id}) failed: ${reason}: ${(err as Error).message}`);
      throw err;
    }
  }

  // A published template compiles once per (template version, brand version) in a worker thread, to Handlebars'
  // precompiled code for every locale; here that code runs per email, which costs the event loop a fifth of what a
  // round trip to the workers per email does (README, bench:render). One that runs past INLINE_RENDER_MS (loops that
  // multiply) holds this thread that once and renders in the workers for SLOW_FOR_MS, under the full render limit.
  async render(template: PublishedTemplate, brand: BrandValues, data: object): Promise<RenderedEmail> {
    const key = template.cacheKey;
    const slow = Date.now() - (this.slowSince.get(key) ?? -Infinity) < SLOW_FOR_MS;
    if (!slow) {
      const compiled = this.renderer.cached(key) ?? (await this.compile(template, brand));
      try {
        return this.renderer.render(compiled, data, INLINE_RENDER_MS);
      } catch (err) {
        if (!(err instanceof TemplateRenderError && err.reason === 'too_slow')) throw err;
        this.slowSince.set(key, Date.now());
        this.logger.warn(`template ${key} took longer than ${INLINE_RENDER_MS} ms to render: it renders in the worker threads for the next ${SLOW_FOR_MS / 60_000} minutes`);
      }
    }
    return this.workers.render(template.source, brand, data, key);
  }

  // The send jobs of a run ask for the same template at once: one compile for all of them.
  private compile(template: PublishedTemplate, brand: BrandValues): Promise<CompiledTemplate> {
    const key = template.cacheKey;
    let pending = this.compiling.get(key);
    if (!pending) {
      pending = this.workers.precompile(template.source, brand)
        .then((pre) => this.renderer.fromPrecompiled(pre, brand, key))
        .finally(() => this.compiling.delete(key));
      this.compiling.set(key, pending);
    }
    return pending;
  }

  private async publishedFor(organizationId: string, brand: ResolvedBrand, kind: EmailTemplateKind): Promise<PublishedTemplate> {
    const brandKey = `${brand.id}:${brand.version}`;
    const row: { id: string; template_id: string; version: number; subject: string; mjml: string; text: string } | undefined = (
      await this.db.dataSource.query(
        `SELECT v.id, v.template_id, v.version, v.subject, v.mjml, v.text
           FROM templates t JOIN template_versions v ON v.template_id = t.id AND v.version = t.published_version
          WHERE t.organization_id = $1 AND t.brand_id = $2 AND t.kind = $3`,
        [organizationId, brand.id, kind],
      )
    )[0];
    if (!row) return { templateId: null, version: null, source: this.defaultSource(kind), cacheKey: `default:${kind}:${brandKey}` };
    return { templateId: row.template_id, version: row.version, source: { subject: row.subject, mjml: row.mjml, text: row.text }, cacheKey: `${row.id}:${brandKey}` };
  }
}
