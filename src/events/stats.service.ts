import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';
import { ValidationError } from '../errors/domain-error';
import { StatsQuery, StatsView } from './events.dto';

// Kinds that mean "something was cleaned on this site".
export const CLEANING_KINDS = ['cleanup', 'quarantine', 'file_deleted'];

@Injectable()
export class StatsService {
  constructor(private readonly db: Database) {}

  async stats(organizationId: string, q: StatsQuery, now = new Date()): Promise<StatsView> {
    const to = q.to ? new Date(q.to) : now;
    const monthStart = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), 1));
    const from = q.from ? new Date(q.from) : monthStart;
    if (from >= to) throw new ValidationError('from', '"from" must be before "to"');
    const bySite = q.groupBy === 'site';
    const group = bySite ? 'customer_id, site_id' : 'customer_id';
    const params: unknown[] = [organizationId, from, to, CLEANING_KINDS, q.limit ?? 100];
    let scope = '';
    if (q.customerId) {
      params.push(q.customerId);
      scope = `AND customer_id = $${params.length}`;
    }
    const rows: { customer_id: string | null; site_id?: string | null; counts: Record<string, number>; total: number; cleaned: number }[] = await this.db.dataSource.query(
      `WITH scoped AS (
         SELECT customer_id, site_id, kind FROM events
         WHERE organization_id = $1 AND occurred_at >= $2 AND occurred_at < $3 ${scope}
       ), by_kind AS (
         SELECT ${group}, kind, count(*)::int AS n FROM scoped GROUP BY ${group}, kind
       ), cleaned AS (
         SELECT ${group}, count(DISTINCT site_id) FILTER (WHERE kind = ANY($4))::int AS cleaned FROM scoped GROUP BY ${group}
       )
       SELECT ${bySite ? 'k.customer_id, k.site_id' : 'k.customer_id'}, jsonb_object_agg(k.kind, k.n) AS counts, sum(k.n)::int AS total,
              max(c.cleaned)::int AS cleaned
       FROM by_kind k JOIN cleaned c ON c.customer_id IS NOT DISTINCT FROM k.customer_id
         ${bySite ? 'AND c.site_id IS NOT DISTINCT FROM k.site_id' : ''}
       GROUP BY ${bySite ? 'k.customer_id, k.site_id' : 'k.customer_id'}
       ORDER BY total DESC
       LIMIT $5`,
      params,
    );
    const monthParams: unknown[] = [organizationId, monthStart, to, CLEANING_KINDS];
    if (q.customerId) monthParams.push(q.customerId);
    const [month] = await this.db.dataSource.query(
      `SELECT count(DISTINCT site_id)::int AS n FROM events
       WHERE organization_id = $1 AND occurred_at >= $2 AND occurred_at < $3 AND kind = ANY($4) AND site_id IS NOT NULL
       ${q.customerId ? 'AND customer_id = $5' : ''}`,
      monthParams,
    );
    return {
      from,
      to,
      sitesCleanedThisMonth: month.n,
      rows: rows.map((r) => ({ customerId: r.customer_id, ...(bySite ? { siteId: r.site_id ?? null } : {}), counts: r.counts, total: r.total, sitesCleaned: r.cleaned })),
    };
  }
}
