import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { paginate, Page, PageQuery } from '../api/pagination';
import { CustomersService } from '../customers/customers.service';
import { Database } from '../db/database';
import { DestinationRow } from '../destinations/destination.entity';
import { DestinationsService } from '../destinations/destinations.service';
import { NotFoundError, ValidationError } from '../errors/domain-error';
import type { SecretOwner } from '../secrets/secret-box';
import { checkContactQuietHours, checkTimeZone } from './contact-check';
import { ContactRow } from './contact.entity';
import { CreateContactChannelDto, CreateContactDto, UpdateContactDto } from './contacts.dto';

// Contacts as the operator keeps them (/v1/contacts). Their channels are destinations (DestinationsService checks,
// seals and masks them); a contact's customer is their channels' customer too, so a portal-style restriction holds
// for a channel used directly as a rule's destination.
@Injectable()
export class ContactsService {
  private readonly repo: Repository<ContactRow>;

  constructor(
    private readonly db: Database,
    private readonly customers: CustomersService,
    private readonly destinations: DestinationsService,
  ) {
    this.repo = db.dataSource.getRepository(ContactRow);
  }

  async create(organizationId: string, dto: CreateContactDto): Promise<ContactRow> {
    if (dto.customerId) await this.checkCustomer(organizationId, dto.customerId);
    const now = new Date();
    const saved = await this.repo.save(this.repo.create({
      organizationId, name: dto.name, customerId: dto.customerId ?? null,
      timeZone: dto.timeZone === undefined ? 'UTC' : checkTimeZone(dto.timeZone),
      quietHours: checkContactQuietHours(dto.quietHours), enabled: dto.enabled ?? true, createdAt: now, updatedAt: now,
    }));
    return this.get(organizationId, saved.id);
  }

  list(organizationId: string, q: PageQuery & { customerId?: string }): Promise<Page<ContactRow>> {
    const qb = this.repo.createQueryBuilder('c').where('c.organization_id = :organizationId', { organizationId });
    if (q.customerId) qb.andWhere('c.customer_id = :customerId', { customerId: q.customerId });
    return paginate(qb, q, { table: 'contacts' });
  }

  async get(organizationId: string, id: string): Promise<ContactRow> {
    const c = await this.repo.findOneBy({ id, organizationId });
    if (!c) throw new NotFoundError('contact', id);
    return c;
  }

  async update(organizationId: string, id: string, dto: UpdateContactDto): Promise<ContactRow> {
    const c = await this.get(organizationId, id);
    if (dto.name !== undefined) c.name = dto.name;
    if (dto.timeZone !== undefined) c.timeZone = checkTimeZone(dto.timeZone);
    if (dto.quietHours !== undefined) c.quietHours = checkContactQuietHours(dto.quietHours);
    if (dto.enabled !== undefined) c.enabled = dto.enabled;
    const customerChanged = dto.customerId !== undefined && dto.customerId !== c.customerId;
    if (dto.customerId) await this.checkCustomer(organizationId, dto.customerId);
    if (dto.customerId !== undefined) c.customerId = dto.customerId;
    c.updatedAt = new Date();
    await this.db.transaction(async (em) => {
      await em.save(ContactRow, c);
      if (customerChanged) await em.query(`UPDATE destinations SET customer_id = $2, updated_at = now() WHERE contact_id = $1`, [id, c.customerId]);
    });
    return this.get(organizationId, id);
  }

  // Its channels go with it (ON DELETE CASCADE), and so does its membership of groups; past deliveries stay logged.
  async remove(organizationId: string, id: string): Promise<void> {
    const c = await this.get(organizationId, id);
    await this.repo.delete({ id: c.id });
  }

  async addChannel(owner: SecretOwner, contactId: string, dto: CreateContactChannelDto): Promise<{ destination: DestinationRow; signingSecret: string | null }> {
    const c = await this.get(owner.organizationId, contactId);
    const name = dto.name ?? `${c.name} (${dto.kind ?? dto.appriseUrl?.split(':')[0] ?? 'channel'})`.slice(0, 200);
    return this.destinations.create(owner, { ...dto, name, contactId: c.id });
  }

  async channels(organizationId: string, contactId: string, q: PageQuery): Promise<Page<DestinationRow>> {
    await this.get(organizationId, contactId);
    return this.destinations.list(organizationId, { ...q, contactId });
  }

  private async checkCustomer(organizationId: string, customerId: string): Promise<void> {
    await this.customers.get(organizationId, customerId).catch((err) => {
      if (err instanceof NotFoundError) throw new ValidationError('customerId', `customer ${customerId} not found`);
      throw err;
    });
  }
}
