import { Injectable } from '@nestjs/common';
import { EntityManager, Repository } from 'typeorm';
import { paginate, Page, PageQuery } from '../api/pagination';
import { Database } from '../db/database';
import { NotFoundError } from '../errors/domain-error';
import { ApiKey, Scope } from './api-key.entity';
import { apiKeyPrefix, generateApiKey, hashApiKey, sameHash } from './api-key-format';

export interface Principal {
  organizationId: string;
  keyId: string;
  scopes: Scope[];
}

// Writing last_used_at on every request would turn every read into a write; once a minute is enough to be useful.
const LAST_USED_RESOLUTION_MS = 60_000;

// A key that authenticated is trusted for a few seconds without a database round trip (one of the two per API read).
// A revocation takes effect at once on the replica that revoked it and within this time on the others.
const AUTH_CACHE_MS = 5_000;
const AUTH_CACHE_MAX = 10_000;

@Injectable()
export class ApiKeysService {
  private readonly repo: Repository<ApiKey>;
  // key hash → principal; the presented key itself is never kept
  private readonly authCache = new Map<string, { principal: Principal; until: number }>();

  constructor(db: Database) {
    this.repo = db.dataSource.getRepository(ApiKey);
  }

  // em: inside the caller's transaction (bootstrap creates its organization and admin key in one).
  async create(organizationId: string, name: string, scopes: Scope[], em?: EntityManager): Promise<{ apiKey: ApiKey; key: string }> {
    const { key } = generateApiKey();
    const repo = em ? em.getRepository(ApiKey) : this.repo;
    const apiKey = await repo.save(repo.create({ organizationId, name, scopes: [...new Set(scopes)], prefix: apiKeyPrefix(key), keyHash: hashApiKey(key) }));
    return { apiKey, key };
  }

  // For HOSTDIGEST_ADMIN_KEY: make sure that exact key works for the organization, without duplicating it. One
  // statement, so that replicas starting together cannot both insert it (the prefix is unique), lock or no lock.
  async ensure(organizationId: string, name: string, key: string, em: EntityManager = this.repo.manager): Promise<void> {
    await em.query(
      `INSERT INTO api_keys (organization_id, name, scopes, prefix, key_hash) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (prefix) DO NOTHING`,
      [organizationId, name, ['admin'], apiKeyPrefix(key), hashApiKey(key)],
    );
  }

  list(organizationId: string, query: PageQuery): Promise<Page<ApiKey>> {
    const qb = this.repo.createQueryBuilder('k').where('k.organization_id = :organizationId', { organizationId });
    return paginate(qb, query, { table: 'api_keys' });
  }

  async revoke(organizationId: string, id: string): Promise<ApiKey> {
    const key = await this.repo.findOneBy({ id, organizationId });
    if (!key) throw new NotFoundError('api key', id);
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await this.repo.save(key);
    }
    this.authCache.forEach((entry, hash) => entry.principal.keyId === key.id && this.authCache.delete(hash));
    return key;
  }

  async authenticate(presented: string): Promise<Principal | null> {
    const hash = hashApiKey(presented);
    const now = Date.now();
    const cached = this.authCache.get(hash);
    if (cached && cached.until > now) return cached.principal;
    const key = await this.repo.findOneBy({ prefix: apiKeyPrefix(presented) });
    if (!key || key.revokedAt || !sameHash(key.keyHash, hash)) {
      this.authCache.delete(hash);
      return null;
    }
    if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      void this.repo.update({ id: key.id }, { lastUsedAt: new Date() }).catch(() => undefined);
    }
    const principal: Principal = { organizationId: key.organizationId, keyId: key.id, scopes: key.scopes };
    if (this.authCache.size >= AUTH_CACHE_MAX) this.authCache.clear();
    this.authCache.set(hash, { principal, until: now + AUTH_CACHE_MS });
    return principal;
  }
}
