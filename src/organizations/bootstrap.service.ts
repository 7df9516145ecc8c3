import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ADVISORY_LOCKS } from '../db/advisory-locks';
import { Database } from '../db/database';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { Organization } from './organization.entity';

// First start on an empty database: a default organization and an admin key, printed once (or HOSTDIGEST_ADMIN_KEY).
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly apiKeys: ApiKeysService,
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
    if (printedKey) {
      // Printed to the terminal once, outside the JSON log, so the secret never reaches log storage.
      process.stdout.write(
        `\n  hostdigest: created organization "${org.name}" (${org.id}) and its admin API key.\n` +
          `  It is shown only this once; store it now:\n\n    ${printedKey}\n\n` +
          `  Try: curl -H "Authorization: Bearer ${printedKey}" http://localhost:${this.config.port}/v1/organization\n\n`,
      );
      this.logger.log(`bootstrap admin key created for organization ${org.id} (printed to the terminal once)`);
    }
    return org;
  }
}
