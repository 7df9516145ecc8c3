import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import { paginate, Page, PageQuery } from '../api/pagination';
import { AppConfig } from '../config/app-config';
import { Database } from '../db/database';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../errors/domain-error';
import { OrganizationsService } from '../organizations/organizations.service';
import { SecretBox } from '../secrets/secret-box';
import type { ResolvedBrand } from './resolved-brand';
import { BrandLogo } from './brand-logo.entity';
import { Brand } from './brand.entity';
import { CreateBrandDto, DkimDto, TEXT_MAX, UpdateBrandDto } from './brands.dto';
import { checkLocalized } from './localized-text';
import { checkLogo } from './logo-image';

const NOT_NULL = ['name', 'logoWidth', 'primaryColor', 'accentColor', 'senderName', 'senderEmail', 'footerText', 'legalText', 'supportUrl', 'portalUrl', 'publicBaseUrl', 'customerPageTtlDays'] as const;
const DEFAULT_COLORS = { primaryColor: '#2563eb', accentColor: '#f59e0b' };

const pgError = (err: unknown) => (err instanceof QueryFailedError ? (err.driverError as { code?: string; constraint?: string }) : null);

@Injectable()
export class BrandsService {
  private readonly repo: Repository<Brand>;

  constructor(
    private readonly db: Database,
    private readonly config: AppConfig,
    private readonly secrets: SecretBox,
    private readonly organizations: OrganizationsService,
  ) {
    this.repo = db.dataSource.getRepository(Brand);
  }

  // scopes: the caller's; a DKIM key given as env:NAME needs admin (SecretBox).
  async create(organizationId: string, dto: CreateBrandDto, scopes: readonly string[] = []): Promise<Brand> {
    this.assertNotNull(dto);
    const brand = this.repo.create({ ...this.neutral(organizationId, dto.name), isDefault: false });
    this.apply(brand, dto, scopes);
    if (dto.senderName === undefined) brand.senderName = brand.name;
    return this.repo.save(brand);
  }

  async list(organizationId: string, q: PageQuery): Promise<Page<Brand>> {
    await this.default(organizationId); // so that the list always shows the brand customers without one get
    const qb = this.repo.createQueryBuilder('b').where('b.organization_id = :organizationId', { organizationId });
    return paginate(qb, q, { table: 'brands' });
  }

  async get(organizationId: string, id: string, em: EntityManager = this.db.manager): Promise<Brand> {
    const brand = await em.findOneBy(Brand, { id, organizationId });
    if (!brand) throw new NotFoundError('brand', id);
    return brand;
  }

  async update(organizationId: string, id: string, dto: UpdateBrandDto, scopes: readonly string[] = []): Promise<Brand> {
    this.assertNotNull(dto);
    return this.db.transaction(async (em) => {
      const brand = await em.findOne(Brand, { where: { id, organizationId }, lock: { mode: 'pessimistic_write' } });
      if (!brand) throw new NotFoundError('brand', id);
      const uploaded = brand.logoUrl === this.uploadedLogoUrl(brand);
      const before = valuesOf(brand);
      this.apply(brand, dto, scopes);
      // A PATCH that changes nothing keeps the version: a new one would recompile every template of the brand.
      if (valuesOf(brand) === before) return brand;
      brand.version += 1;
      // The uploaded logo is served under the brand's public base URL: follow it when that changes.
      if (uploaded && dto.logoUrl === undefined) brand.logoUrl = this.uploadedLogoUrl(brand);
      return em.save(Brand, brand);
    });
  }

  async remove(organizationId: string, id: string): Promise<void> {
    const brand = await this.get(organizationId, id);
    if (brand.isDefault) throw new ConflictError('brand_is_default', 'the default brand cannot be deleted: customers without a brand use it');
    try {
      await this.repo.delete({ id, organizationId });
    } catch (err) {
      // customers.brand_id is ON DELETE RESTRICT: the database is the one place that knows every customer.
      // PostgreSQL 18 reports it as restrict_violation (23001), earlier versions as foreign_key_violation (23503).
      if (['23503', '23001'].includes(pgError(err)?.code ?? '')) throw new ConflictError('brand_in_use', 'customers belong to this brand: move them to another brand first');
      throw err;
    }
  }

  // The organization's default brand, created with neutral values the first time anything needs it.
  async default(organizationId: string): Promise<Brand> {
    const existing = await this.repo.findOneBy({ organizationId, isDefault: true });
    if (existing) return existing;
    const org = await this.organizations.get(organizationId);
    try {
      return await this.repo.save(this.repo.create({ ...this.neutral(organizationId, org.name), isDefault: true }));
    } catch (err) {
      // Another request created it first (unique partial index brands_one_default).
      if (pgError(err)?.code !== '23505') throw err;
      return this.repo.findOneByOrFail({ organizationId, isDefault: true });
    }
  }

  // A brand as senders need it; null = the default brand. The DKIM key is decrypted here and nowhere else.
  async resolve(organizationId: string, brandId: string | null): Promise<ResolvedBrand> {
    const b = brandId ? await this.get(organizationId, brandId) : await this.default(organizationId);
    return {
      id: b.id,
      version: b.version,
      values: {
        name: b.name, logoUrl: b.logoUrl, logoWidth: b.logoWidth, primaryColor: b.primaryColor, accentColor: b.accentColor,
        footerText: b.footerText, legalText: b.legalText, supportUrl: b.supportUrl, supportEmail: b.supportEmail, portalUrl: b.portalUrl,
        localized: b.localized ?? {},
      },
      senderName: b.senderName,
      senderEmail: b.senderEmail,
      replyTo: b.replyTo,
      publicBaseUrl: b.publicBaseUrl,
      customerPageTtlDays: b.customerPageTtlDays,
      dkim: b.dkimDomain && b.dkimSelector && b.dkimPrivateKey
        ? { domainName: b.dkimDomain, keySelector: b.dkimSelector, privateKey: this.secrets.open(b.dkimPrivateKey, organizationId) }
        : null,
    };
  }

  async setLogo(organizationId: string, id: string, contentType: string | undefined, data: unknown): Promise<Brand> {
    const check = checkLogo(contentType, data);
    if (!check.ok) throw new DomainError(check.status === 413 ? 'logo_too_large' : 'unsupported_logo_type', check.message, check.status, 'body');
    const bytes = data as Buffer;
    return this.db.transaction(async (em) => {
      const brand = await em.findOne(Brand, { where: { id, organizationId }, lock: { mode: 'pessimistic_write' } });
      if (!brand) throw new NotFoundError('brand', id);
      await em.save(BrandLogo, em.create(BrandLogo, {
        brandId: id, organizationId, contentType: check.type, data: bytes, sha256: createHash('sha256').update(bytes).digest('hex'),
      }));
      brand.version += 1;
      brand.logoUrl = this.uploadedLogoUrl(brand);
      return em.save(Brand, brand);
    });
  }

  // Public: the brand id is the only key (logo URLs go into customers' mail).
  async logo(brandId: string): Promise<BrandLogo> {
    const logo = await this.db.manager.findOneBy(BrandLogo, { brandId });
    if (!logo) throw new NotFoundError('logo');
    return logo;
  }

  private uploadedLogoUrl(b: Brand): string {
    return `${b.publicBaseUrl.replace(/\/$/, '')}/brand-assets/${b.id}/logo?v=${b.version}`;
  }

  private neutral(organizationId: string, name: string): Partial<Brand> {
    return {
      organizationId, name, version: 1, logoUrl: null, logoWidth: 140, ...DEFAULT_COLORS,
      senderName: name, senderEmail: this.config.brands.defaultSenderEmail, replyTo: null,
      footerText: name, legalText: '', localized: {}, supportUrl: '', supportEmail: null, portalUrl: '',
      publicBaseUrl: this.config.publicBaseUrl, customerPageTtlDays: 90, dkimDomain: null, dkimSelector: null, dkimPrivateKey: null,
    };
  }

  private apply(brand: Brand, dto: UpdateBrandDto, scopes: readonly string[]): void {
    const { dkim, localized, ...fields } = dto;
    if (localized !== undefined) {
      const checked = checkLocalized(localized, TEXT_MAX);
      if (!checked.ok) throw new ValidationError(checked.field, checked.message);
      brand.localized = checked.value;
    }
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) (brand as unknown as Record<string, unknown>)[k] = v;
    if (typeof dto.publicBaseUrl === 'string') brand.publicBaseUrl = dto.publicBaseUrl.replace(/\/+$/, '');
    if (dkim !== undefined) this.applyDkim(brand, dkim, scopes);
  }

  // Without privateKey the stored key stays (the editor never has it to send back); a new domain needs a new key.
  private applyDkim(brand: Brand, dkim: DkimDto | null, scopes: readonly string[]): void {
    if (dkim === null) {
      Object.assign(brand, { dkimDomain: null, dkimSelector: null, dkimPrivateKey: null });
      return;
    }
    if (!dkim.privateKey && (!brand.dkimPrivateKey || brand.dkimDomain !== dkim.domainName)) {
      throw new ValidationError('dkim.privateKey', 'dkim.privateKey is required to sign for a new DKIM domain');
    }
    brand.dkimDomain = dkim.domainName;
    brand.dkimSelector = dkim.keySelector;
    if (dkim.privateKey) brand.dkimPrivateKey = this.secrets.store(dkim.privateKey.trim(), { organizationId: brand.organizationId, scopes }, 'dkim.privateKey');
  }

  private assertNotNull(dto: UpdateBrandDto): void {
    for (const f of NOT_NULL) if (dto[f] === null) throw new ValidationError(f, `${f} cannot be null`);
  }
}

// What a brand's version stands for: every value but the bookkeeping (a re-sent DKIM key is re-encrypted and so counts
// as a change).
function valuesOf(brand: Brand): string {
  const { version: _v, createdAt: _c, updatedAt: _u, ...values } = brand;
  return JSON.stringify(values);
}
