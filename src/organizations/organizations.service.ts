import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { Database } from '../db/database';
import { NotFoundError } from '../errors/domain-error';
import { Organization } from './organization.entity';

@Injectable()
export class OrganizationsService {
  private readonly repo: Repository<Organization>;

  constructor(private readonly db: Database) {
    this.repo = db.dataSource.getRepository(Organization);
  }

  create(name: string, isDefault = false): Promise<Organization> {
    return this.repo.save(this.repo.create({ name, isDefault }));
  }

  // Every API read of the organization comes here: one plain statement (Database.rows), no TypeORM.
  async get(id: string): Promise<Organization> {
    const [org] = await this.db.rows<Organization>(
      `SELECT id, name, is_default AS "isDefault", created_at AS "createdAt" FROM organizations WHERE id = $1`,
      [id],
    );
    if (!org) throw new NotFoundError('organization', id);
    return org;
  }

  list(): Promise<Organization[]> {
    return this.repo.find({ order: { createdAt: 'ASC' } });
  }

  findDefault(): Promise<Organization | null> {
    return this.repo.findOneBy({ isDefault: true });
  }

  async rename(id: string, name: string): Promise<Organization> {
    const org = await this.repo.findOneBy({ id });
    if (!org) throw new NotFoundError('organization', id);
    org.name = name;
    return this.repo.save(org);
  }
}
