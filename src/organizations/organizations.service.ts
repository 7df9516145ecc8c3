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

  async get(id: string): Promise<Organization> {
    const org = await this.repo.findOneBy({ id });
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
    const org = await this.get(id);
    org.name = name;
    return this.repo.save(org);
  }
}
