import { Injectable } from '@nestjs/common';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import { jsonListPage } from '../api/json-page';
import { Database } from '../db/database';
import { ConflictError, NotFoundError, ValidationError } from '../errors/domain-error';
import { JobEngine } from '../jobs/job-engine';
import { Customer } from './customer.entity';
import { CUSTOMER_LIST, customerListWhere } from './customer-list-query';
import { CreateCustomerDto, CustomerQuery, UpdateCustomerDto } from './customers.dto';
import { unique } from './fields';
import { EventMatcher } from './event-matcher';
import { enqueueRematch } from './rematch-events.job';

export const UNIQUE_EXTERNAL_REF = 'customers_organization_id_external_ref_key';

export class ExternalRefTakenError extends ConflictError {
  constructor(externalRef: string, holderId?: string) {
    super('external_ref_taken', `externalRef ${externalRef} is already used by ${holderId ? `customer ${holderId}` : 'another customer'}`, 'externalRef');
  }
}

export const BRAND_FK = 'customers_brand_fk';

function violates(err: unknown, sqlState: string, constraint: string): boolean {
  const e = err instanceof QueryFailedError ? (err.driverError as { code?: string; constraint?: string }) : null;
  return e?.code === sqlState && e.constraint === constraint;
}

export const isUniqueViolation = (err: unknown, constraint: string) => violates(err, '23505', constraint);
export const isForeignKeyViolation = (err: unknown, constraint: string) => violates(err, '23503', constraint);

const NOT_NULL = ['externalRef', 'name', 'emails', 'locale', 'timeZone', 'status'] as const;

@Injectable()
export class CustomersService {
  private readonly repo: Repository<Customer>;

  constructor(
    private readonly db: Database,
    private readonly jobs: JobEngine,
    private readonly matcher: EventMatcher,
  ) {
    this.repo = db.dataSource.getRepository(Customer);
  }

  async create(organizationId: string, dto: CreateCustomerDto): Promise<Customer> {
    return this.db.transaction(async (em) => {
      await this.assertRefFree(em, organizationId, dto.externalRef);
      const customer = em.create(Customer, {
        organizationId,
        externalRef: dto.externalRef,
        name: dto.name,
        emails: unique(dto.emails ?? []),
        brandId: dto.brandId ?? null,
        locale: dto.locale ?? 'en',
        timeZone: dto.timeZone ?? 'UTC',
        status: dto.status ?? 'active',
      });
      return this.save(em, customer);
    });
  }

  // The page's JSON text (json-page.ts), passed through unparsed.
  list(organizationId: string, q: CustomerQuery): Promise<string> {
    return jsonListPage(this.db, CUSTOMER_LIST, customerListWhere(organizationId, q), q);
  }

  async get(organizationId: string, id: string, em: EntityManager = this.db.manager): Promise<Customer> {
    const customer = await em.findOneBy(Customer, { id, organizationId });
    if (!customer) throw new NotFoundError('customer', id);
    return customer;
  }

  async update(organizationId: string, id: string, dto: UpdateCustomerDto): Promise<Customer> {
    for (const field of NOT_NULL) if (dto[field] === null) throw new ValidationError(field, `${field} cannot be null`);
    return this.db.transaction(async (em) => {
      const customer = await this.get(organizationId, id, em);
      if (dto.externalRef !== undefined && dto.externalRef !== customer.externalRef) await this.assertRefFree(em, organizationId, dto.externalRef);
      Object.assign(customer, {
        ...dto,
        ...(dto.emails ? { emails: unique(dto.emails) } : {}),
      });
      return this.save(em, customer);
    });
  }

  async remove(organizationId: string, id: string): Promise<void> {
    await this.db.transaction(async (em) => {
      const customer = await this.get(organizationId, id, em);
      await this.matcher.unmatch(em, organizationId, { customerId: customer.id });
      await em.delete(Customer, { id: customer.id, organizationId }); // its sites and their keys go with it
      await enqueueRematch(this.jobs, em, organizationId);
    });
  }

  private async assertRefFree(em: EntityManager, organizationId: string, externalRef: string): Promise<void> {
    const holder = await em.findOne(Customer, { where: { organizationId, externalRef }, select: { id: true } });
    if (holder) throw new ExternalRefTakenError(externalRef, holder.id);
  }

  // The check above can race with another request; the unique constraint settles it with the same answer.
  private async save(em: EntityManager, customer: Customer): Promise<Customer> {
    try {
      return await em.save(Customer, customer);
    } catch (err) {
      if (isUniqueViolation(err, UNIQUE_EXTERNAL_REF)) throw new ExternalRefTakenError(customer.externalRef);
      // The key is (organization, brand): another organization's brand is as unknown as a made-up id.
      if (isForeignKeyViolation(err, BRAND_FK)) throw new ValidationError('brandId', `brandId ${customer.brandId} is not a brand of this organization`);
      throw err;
    }
  }
}
