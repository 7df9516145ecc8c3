import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ConflictError } from '../errors/domain-error';
import { SiteFields } from './fields';
import { describeKey, keyField, siteKeys } from './match-keys';

export class SiteKeyTakenError extends ConflictError {
  constructor(
    readonly key: string,
    readonly holderSiteId: string | null,
  ) {
    super('site_key_taken', `${describeKey(key)} already belongs to ${holderSiteId ? `site ${holderSiteId}` : 'another site'}`, keyField(key));
  }
}

// site_keys is the index events are matched through; its primary key (organization, key) is what makes a domain,
// vendor site id or server account belong to one site only.
@Injectable()
export class SiteKeyStore {
  // Rewrites the keys of these sites. A key another site holds is a 409 naming the field and that site; the caller's
  // transaction is then rolled back, so nothing half-written remains.
  async replace(em: EntityManager, organizationId: string, sites: readonly (SiteFields & { id: string })[]): Promise<void> {
    if (sites.length === 0) return;
    await em.query(`DELETE FROM site_keys WHERE site_id = ANY($1::uuid[])`, [sites.map((s) => s.id)]);
    const keys: string[] = [];
    const owners: string[] = [];
    for (const s of sites) {
      for (const k of siteKeys(s)) {
        keys.push(k);
        owners.push(s.id);
      }
    }
    if (keys.length === 0) return;
    const [{ n }] = await em.query(
      `WITH ins AS (
         INSERT INTO site_keys (organization_id, key, site_id) SELECT $1, u.key, u.site_id FROM unnest($2::text[], $3::uuid[]) AS u(key, site_id)
         ON CONFLICT DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [organizationId, keys, owners],
    );
    if (n === keys.length) return;
    // Some key went to another site (or to an earlier site of the same batch): name the first such key and its holder.
    const [clash] = await em.query(
      `SELECT u.key, k.site_id FROM unnest($2::text[], $3::uuid[]) WITH ORDINALITY AS u(key, site_id, ord)
       LEFT JOIN site_keys k ON k.organization_id = $1 AND k.key = u.key
       WHERE k.site_id IS DISTINCT FROM u.site_id ORDER BY u.ord LIMIT 1`,
      [organizationId, keys, owners],
    );
    throw new SiteKeyTakenError(clash?.key ?? keys[0], clash?.site_id ?? null);
  }

  // Which site holds each of these keys now.
  async holders(em: EntityManager, organizationId: string, keys: readonly string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows: { key: string; site_id: string }[] = await em.query(
      `SELECT key, site_id FROM site_keys WHERE organization_id = $1 AND key = ANY($2::text[])`,
      [organizationId, [...new Set(keys)]],
    );
    return new Map(rows.map((r) => [r.key, r.site_id]));
  }
}
