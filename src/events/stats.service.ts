import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';
import { ValidationError } from '../errors/domain-error';
import { StatsQuery, StatsView } from './events.dto';
import { CLEANING_KINDS, localMonthStartSql, OPEN_KINDS, sqlList, THREAT_IDENT_SQL, THREAT_KINDS } from './threat-sql';

export { CLEANING_KINDS };

interface StatsRowSql {
  customer_id: string | null;
  site_id?: string | null;
  counts: Record<string, number>;
  total: number;
  cleaned: number;
  threats: number;
  threats_cleaned: number;
  threats_outstanding: number;
}

// Counts by kind, threats (cleaned + outstanding, as the digest's headline counts them: events/threat-sql.ts) and
// sites cleaned, per customer or site. "This month" is each customer's own local calendar month (its time zone), as
// in its digests; with a customerId and no `from`, the range starts at that month's start too.
@Injectable()
export class StatsService {
  constructor(private readonly db: Database) {}

  async stats(organizationId: string, q: StatsQuery, now = new Date()): Promise<StatsView> {
    const to = q.to ? new Date(q.to) : now;
    const from = q.from ? new Date(q.from) : await this.defaultFrom(organizationId, q.customerId, to);
    if (from >= to) throw new ValidationError('from', '"from" must be before "to"');
    const bySite = q.groupBy === 'site';
    const group = bySite ? 'customer_id, site_id' : 'customer_id';
    const params: unknown[] = [organizationId, from, to, CLEANING_KINDS, q.limit ?? 100];
    let scope = '';
    if (q.customerId) {
      params.push(q.customerId);
      scope = `AND customer_id = $${params.length}`;
    }
    const rows: StatsRowSql[] = await this.db.dataSource.query(
      `WITH scoped AS (
         SELECT id, customer_id, site_id, kind, occurred_at, ${THREAT_IDENT_SQL} AS ident FROM events
         WHERE organization_id = $1 AND occurred_at >= $2 AND occurred_at < $3 ${scope}
       ), by_kind AS (
         SELECT ${group}, kind, count(*)::int AS n FROM scoped GROUP BY ${group}, kind
       ), cleaned AS (
         SELECT ${group}, count(DISTINCT site_id) FILTER (WHERE kind = ANY($4))::int AS cleaned FROM scoped GROUP BY ${group}
       ), last_of_threat AS (
         SELECT DISTINCT ON (customer_id, site_id, ident) customer_id, site_id, kind
         FROM scoped WHERE kind = ANY(${sqlList(THREAT_KINDS)})
         ORDER BY customer_id, site_id, ident, occurred_at DESC, id DESC
       ), threats AS (
         SELECT ${group}, count(*)::int AS threats,
                count(*) FILTER (WHERE NOT kind = ANY(${sqlList(OPEN_KINDS)}))::int AS cleaned,
                count(*) FILTER (WHERE kind = ANY(${sqlList(OPEN_KINDS)}))::int AS outstanding
         FROM last_of_threat GROUP BY ${group}
       )
       SELECT ${bySite ? 'k.customer_id, k.site_id' : 'k.customer_id'}, jsonb_object_agg(k.kind, k.n) AS counts, sum(k.n)::int AS total,
              max(c.cleaned)::int AS cleaned, coalesce(max(t.threats), 0)::int AS threats,
              coalesce(max(t.cleaned), 0)::int AS threats_cleaned, coalesce(max(t.outstanding), 0)::int AS threats_outstanding
       FROM by_kind k JOIN cleaned c ON c.customer_id IS NOT DISTINCT FROM k.customer_id
         ${bySite ? 'AND c.site_id IS NOT DISTINCT FROM k.site_id' : ''}
         LEFT JOIN threats t ON t.customer_id IS NOT DISTINCT FROM k.customer_id ${bySite ? 'AND t.site_id IS NOT DISTINCT FROM k.site_id' : ''}
       GROUP BY ${bySite ? 'k.customer_id, k.site_id' : 'k.customer_id'}
       ORDER BY total DESC
       LIMIT $5`,
      params,
    );
    // Each customer's local month (a month is at most 31 days and a zone at most 14 h off UTC: the first bound
    // only narrows the index scan).
    const monthParams: unknown[] = [organizationId, to, CLEANING_KINDS];
    if (q.customerId) monthParams.push(q.customerId);
    const [month] = await this.db.dataSource.query(
      `SELECT count(DISTINCT e.site_id)::int AS n FROM events e JOIN customers c ON c.id = e.customer_id
       WHERE e.organization_id = $1 AND e.occurred_at >= $2::timestamptz - interval '32 days' AND e.occurred_at < $2
         AND e.occurred_at >= ${localMonthStartSql('$2::timestamptz', 'c.time_zone')}
         AND e.kind = ANY($3) AND e.site_id IS NOT NULL
       ${q.customerId ? 'AND e.customer_id = $4' : ''}`,
      monthParams,
    );
    return {
      from,
      to,
      sitesCleanedThisMonth: month.n,
      rows: rows.map((r) => ({
        customerId: r.customer_id,
        ...(bySite ? { siteId: r.site_id ?? null } : {}),
        counts: r.counts,
        total: r.total,
        threats: { total: r.threats, cleaned: r.threats_cleaned, outstanding: r.threats_outstanding },
        sitesCleaned: r.cleaned,
      })),
    };
  }

  // The start of the customer's local month (that holds `to`); without a customer, of the UTC month.
  private async defaultFrom(organizationId: string, customerId: string | undefined, to: Date): Promise<Date> {
    const [row]: { start: Date }[] = await this.db.dataSource.query(
      `SELECT ${localMonthStartSql('$1::timestamptz', `coalesce((SELECT time_zone FROM customers WHERE id = $2 AND organization_id = $3), 'UTC')`)} AS start`,
      [to, customerId ?? null, organizationId],
    );
    return new Date(row.start);
  }
}
