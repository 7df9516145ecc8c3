import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { Database } from '../db/database';
import { NotFoundError, ValidationError } from '../errors/domain-error';
import { Organization } from './organization.entity';

// Like an API key's check (api-keys.service.ts), an organization read is trusted per replica for 5 s: every request
// of a caller reads its own organization, and it changes only when renamed. A rename is seen at once on the replica
// that made it and within 5 s on the others.
const CACHE_MS = 5_000;
const CACHE_MAX = 10_000;

@Injectable()
export class OrganizationsService {
  private readonly repo: Repository<Organization>;
  private readonly cache = new Map<string, { org: Organization; until: number }>();

  constructor(private readonly db: Database) {
    this.repo = db.dataSource.getRepository(Organization);
  }

  create(name: string, isDefault = false): Promise<Organization> {
    return this.repo.save(this.repo.create({ name, isDefault }));
  }

  // Every API read of the organization comes here: the replica's copy, else one plain statement (Database.rows).
  async get(id: string): Promise<Organization> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return hit.org;
    const [org] = await this.db.rows<Organization>(
      `SELECT id, name, is_default AS "isDefault", admin_email AS "adminEmail", notice_contact_group_id AS "noticeContactGroupId", created_at AS "createdAt" FROM organizations WHERE id = $1`,
      [id],
    );
    if (!org) throw new NotFoundError('organization', id);
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(id, { org, until: now + CACHE_MS });
    return org;
  }

  list(): Promise<Organization[]> {
    return this.repo.find({ order: { createdAt: 'ASC' } });
  }

  findDefault(): Promise<Organization | null> {
    return this.repo.findOneBy({ isDefault: true });
  }

  async update(id: string, change: { name?: string; adminEmail?: string | null; noticeContactGroupId?: string | null }): Promise<Organization> {
    const org = await this.repo.findOneBy({ id });
    if (!org) throw new NotFoundError('organization', id);
    if (change.name !== undefined) org.name = change.name;
    if (change.adminEmail !== undefined) org.adminEmail = change.adminEmail;
    if (change.noticeContactGroupId) {
      const [group] = await this.db.rows(`SELECT 1 FROM contact_groups WHERE id = $1 AND organization_id = $2`, [change.noticeContactGroupId, id]);
      if (!group) throw new ValidationError('noticeContactGroupId', `contact group ${change.noticeContactGroupId} not found`);
    }
    if (change.noticeContactGroupId !== undefined) org.noticeContactGroupId = change.noticeContactGroupId;
    const saved = await this.repo.save(org);
    this.cache.delete(id);
    return saved;
  }
}
