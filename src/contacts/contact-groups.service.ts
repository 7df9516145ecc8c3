import { Injectable } from '@nestjs/common';
import { EntityManager, Repository } from 'typeorm';
import { paginate, Page, PageQuery } from '../api/pagination';
import { Database } from '../db/database';
import { NotFoundError, ValidationError } from '../errors/domain-error';
import { ContactGroupRow } from './contact.entity';
import { ContactGroupWithMembers, CreateContactGroupDto, UpdateContactGroupDto } from './contacts.dto';

export interface ContactChannel {
  id: string; // the destination
  kind: string;
  contactId: string;
}

// Contact groups (/v1/contact-groups): named sets of the organization's contacts that a rule's action or the
// organization's notices target. Members are replaced as a whole.
@Injectable()
export class ContactGroupsService {
  private readonly repo: Repository<ContactGroupRow>;

  constructor(private readonly db: Database) {
    this.repo = db.dataSource.getRepository(ContactGroupRow);
  }

  async create(organizationId: string, dto: CreateContactGroupDto): Promise<ContactGroupWithMembers> {
    const memberIds = await this.checkMembers(organizationId, dto.memberIds ?? []);
    const id = await this.db.transaction(async (em) => {
      const now = new Date();
      const saved = await em.save(ContactGroupRow, em.create(ContactGroupRow, { organizationId, name: dto.name, createdAt: now, updatedAt: now }));
      await this.setMembers(em, saved.id, memberIds);
      return saved.id;
    });
    return this.get(organizationId, id);
  }

  async list(organizationId: string, q: PageQuery): Promise<Page<ContactGroupWithMembers>> {
    const page = await paginate(this.repo.createQueryBuilder('g').where('g.organization_id = :organizationId', { organizationId }), q, { table: 'contact_groups' });
    const members = await this.members(page.data.map((g) => g.id));
    return { data: page.data.map((g) => ({ ...g, memberIds: members.get(g.id) ?? [] })), nextCursor: page.nextCursor };
  }

  async get(organizationId: string, id: string): Promise<ContactGroupWithMembers> {
    const g = await this.repo.findOneBy({ id, organizationId });
    if (!g) throw new NotFoundError('contact group', id);
    return { ...g, memberIds: (await this.members([id])).get(id) ?? [] };
  }

  async update(organizationId: string, id: string, dto: UpdateContactGroupDto): Promise<ContactGroupWithMembers> {
    const g = await this.get(organizationId, id);
    const memberIds = dto.memberIds === undefined ? undefined : await this.checkMembers(organizationId, dto.memberIds);
    await this.db.transaction(async (em) => {
      await em.update(ContactGroupRow, { id }, { name: dto.name ?? g.name, updatedAt: new Date() });
      if (memberIds) {
        await em.query(`DELETE FROM contact_group_members WHERE group_id = $1`, [id]);
        await this.setMembers(em, id, memberIds);
      }
    });
    return this.get(organizationId, id);
  }

  async remove(organizationId: string, id: string): Promise<void> {
    const g = await this.get(organizationId, id);
    await this.repo.delete({ id: g.id });
  }

  // The enabled channels of the enabled members of the organization's notice group (PATCH /v1/organization
  // {noticeContactGroupId}); none when it has none.
  async noticeChannels(organizationId: string): Promise<ContactChannel[]> {
    return this.db.rows<ContactChannel>(
      `SELECT d.id, d.kind, d.contact_id AS "contactId"
       FROM organizations o
       JOIN contact_group_members m ON m.group_id = o.notice_contact_group_id
       JOIN contacts c ON c.id = m.contact_id AND c.enabled AND c.organization_id = o.id
       JOIN destinations d ON d.contact_id = c.id AND d.state = 'enabled'
       WHERE o.id = $1
       ORDER BY c.created_at, d.created_at`,
      [organizationId],
    );
  }

  // Another organization's contact is not found, as its own would be (400 naming the entry).
  private async checkMembers(organizationId: string, ids: string[]): Promise<string[]> {
    const unique = [...new Set(ids.map((x) => x.toLowerCase()))];
    if (!unique.length) return [];
    const found: { id: string }[] = await this.db.dataSource.query(`SELECT id::text FROM contacts WHERE organization_id = $1 AND id = ANY($2::uuid[])`, [organizationId, unique]);
    const missing = ids.findIndex((x) => !found.some((f) => f.id === x.toLowerCase()));
    if (missing >= 0) throw new ValidationError(`memberIds[${missing}]`, `memberIds[${missing}]: contact ${ids[missing]} not found`);
    return unique;
  }

  private async setMembers(em: EntityManager, groupId: string, ids: string[]): Promise<void> {
    if (ids.length) await em.query(`INSERT INTO contact_group_members (group_id, contact_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`, [groupId, ids]);
  }

  private async members(groupIds: string[]): Promise<Map<string, string[]>> {
    if (!groupIds.length) return new Map();
    const rows: { groupId: string; ids: string[] }[] = await this.db.dataSource.query(
      `SELECT m.group_id AS "groupId", array_agg(m.contact_id::text ORDER BY c.created_at, c.id) AS ids
       FROM contact_group_members m JOIN contacts c ON c.id = m.contact_id WHERE m.group_id = ANY($1::uuid[]) GROUP BY m.group_id`,
      [groupIds],
    );
    return new Map(rows.map((r) => [r.groupId, r.ids]));
  }
}
