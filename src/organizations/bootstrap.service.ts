import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { BootConsole } from '../boot/boot-console';
import { AppConfig } from '../config/app-config';
import { ADVISORY_LOCKS } from '../db/advisory-locks';
import { Database } from '../db/database';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { Organization } from './organization.entity';

// First start on an empty database: a default organization and an admin key, printed once (or HOSTDIGEST_ADMIN_KEY).
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly apiKeys: ApiKeysService,
    private readonly bootConsole: BootConsole,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureDefaultOrganization();
  }

  // The whole bootstrap (organization and admin key) is one transaction under one lock: replicas starting together on
  // an empty database end with one organization and one key, and a crash in between leaves neither.
  async ensureDefaultOrganization(): Promise<Organization> {
    const envKey = this.config.auth.bootstrapAdminKey;
    const { org, printedKey } = await this.db.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.bootstrap]);
      const repo = em.getRepository(Organization);
      let org = (await repo.findOneBy({ isDefault: true })) ?? (await repo.find({ order: { createdAt: 'ASC' }, take: 1 }))[0];
      const fresh = !org;
      if (!org) org = await repo.save(repo.create({ name: 'Default organization', isDefault: true }));
      if (envKey) {
        await this.apiKeys.ensure(org.id, 'bootstrap admin (HOSTDIGEST_ADMIN_KEY)', envKey, em);
        return { org, printedKey: null };
      }
      return { org, printedKey: fresh ? (await this.apiKeys.create(org.id, 'bootstrap admin', ['admin'], em)).key : null };
    });
    if (printedKey) this.bootConsole.showAdminKey(org, printedKey); // on a terminal: outside the JSON log
    return org;
  }
}
