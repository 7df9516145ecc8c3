import { Injectable } from '@nestjs/common';
import { EntityManager, Repository } from 'typeorm';
import { jsonListPage } from '../api/json-page';
import { PageQuery } from '../api/pagination';
import { Database } from '../db/database';
import { NotFoundError, ValidationError } from '../errors/domain-error';
import { JobEngine } from '../jobs/job-engine';
import { CustomersService } from './customers.service';
import { EventMatcher } from './event-matcher';
import { SiteFields, siteIdentityError, unique } from './fields';
import { enqueueRematch } from './rematch-events.job';
import { SiteKeyStore } from './site-key-store';
import { SITE_LIST, siteListWhere } from './site-list-query';
import { Site } from './site.entity';
import { CreateSiteDto, SiteQuery, UpdateSiteDto } from './sites.dto';

@Injectable()
export class SitesService {
  private readonly repo: Repository<Site>;

  constructor(
    private readonly db: Database,
    private readonly jobs: JobEngine,
    private readonly customers: CustomersService,
    private readonly keys: SiteKeyStore,
    private readonly matcher: EventMatcher,
  ) {
    this.repo = db.dataSource.getRepository(Site);
  }

  async create(organizationId: string, customerId: string, dto: CreateSiteDto): Promise<Site> {
    return this.db.transaction(async (em) => {
      await this.customers.get(organizationId, customerId, em);
      const site = em.create(Site, {
        organizationId,
        customerId,
        domains: unique(dto.domains ?? []),
        server: dto.server ?? null,
        accountUser: dto.accountUser ?? null,
        vendorSiteIds: unique(dto.vendorSiteIds ?? []),
      });
      return this.write(em, site);
    });
  }

  // The page's JSON text (json-page.ts), passed through unparsed.
  list(organizationId: string, q: SiteQuery): Promise<string> {
    return jsonListPage(this.db, SITE_LIST, siteListWhere(organizationId, q), q);
  }

  async listForCustomer(organizationId: string, customerId: string, q: PageQuery): Promise<string> {
    await this.customers.get(organizationId, customerId);
    return this.list(organizationId, { limit: q.limit, cursor: q.cursor, customerId });
  }

  async get(organizationId: string, id: string, em: EntityManager = this.db.manager): Promise<Site> {
    const site = await em.findOneBy(Site, { id, organizationId });
    if (!site) throw new NotFoundError('site', id);
    return site;
  }

  async update(organizationId: string, id: string, dto: UpdateSiteDto): Promise<Site> {
    if (dto.domains === null) throw new ValidationError('domains', 'domains cannot be null; send [] for none');
    if (dto.vendorSiteIds === null) throw new ValidationError('vendorSiteIds', 'vendorSiteIds cannot be null; send [] for none');
    return this.db.transaction(async (em) => {
      const site = await this.get(organizationId, id, em);
      if (dto.domains !== undefined) site.domains = unique(dto.domains);
      if (dto.vendorSiteIds !== undefined) site.vendorSiteIds = unique(dto.vendorSiteIds);
      if (dto.server !== undefined) site.server = dto.server;
      if (dto.accountUser !== undefined) site.accountUser = dto.accountUser;
      return this.write(em, site);
    });
  }

  async remove(organizationId: string, id: string): Promise<void> {
    await this.db.transaction(async (em) => {
      const site = await this.get(organizationId, id, em);
      await this.matcher.unmatch(em, organizationId, { siteId: site.id });
      await em.delete(Site, { id: site.id, organizationId }); // its keys go with it
      await enqueueRematch(this.jobs, em, organizationId);
    });
  }

  // Every site write: the row, its keys and the re-match of unmatched events commit together or not at all.
  private async write(em: EntityManager, site: Site): Promise<Site> {
    assertIdentifiable(site);
    const saved = await em.save(Site, site);
    await this.keys.replace(em, site.organizationId, [saved]);
    await enqueueRematch(this.jobs, em, site.organizationId);
    return saved;
  }
}

function assertIdentifiable(site: SiteFields): void {
  const err = siteIdentityError(site);
  if (err) throw new ValidationError(err.field, err.message);
}
