import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';
import { NotFoundError } from '../errors/domain-error';
import { READ_SQL, REBUILD_SQL } from './counters-sql';

export interface CountersRow {
  timeZone: string;
  month: string; // YYYY-MM, the customer's current local month
  lastMonth: string;
  sitesCleanedThisMonth: number;
  openThreats: number;
  detectionsThisMonth: number;
  detectionsLastMonth: number;
  cleanupsThisMonth: number;
  cleanupsLastMonth: number;
  protectedSites: number;
  stale: boolean;
}

// A customer's portal counters from the rollup (counters-sql.ts): a read of a few rows, not of the month's events.
// A rollup marked stale (by the triggers of the CustomerCounters migration) is rebuilt before it is read, so that an
// answer is never one that a rematch, a purge or a new time zone made wrong.
@Injectable()
export class CustomerCounters {
  constructor(private readonly db: Database) {}

  async read(organizationId: string, customerId: string): Promise<Omit<CountersRow, 'stale'>> {
    let [row] = await this.db.rows<CountersRow>(READ_SQL, [customerId, organizationId]);
    if (!row) throw new NotFoundError('customer', customerId);
    if (row.stale) {
      await this.rebuild(customerId);
      [row] = await this.db.rows<CountersRow>(READ_SQL, [customerId, organizationId]);
      if (!row) throw new NotFoundError('customer', customerId);
    }
    const { stale: _, ...counters } = row;
    return counters;
  }

  // Recomputes one customer's rollup from its events, if it is (still) marked stale. The table lock waits for ingestion in flight (whose statement
  // holds the rollup's row lock mode from its start) and holds new ingestion back until the rebuild commits, so that
  // no event is counted twice or missed; it does not block reads.
  async rebuild(customerId: string): Promise<void> {
    await this.db.transaction(async (em) => {
      await em.query('LOCK TABLE customer_counters IN SHARE ROW EXCLUSIVE MODE');
      const [mark]: { gen: string }[] = await em.query('SELECT gen FROM customer_counters_stale WHERE customer_id = $1', [customerId]);
      if (!mark) return; // rebuilt meanwhile (a read of the same customer, the job)
      await em.query('DELETE FROM customer_counters WHERE customer_id = $1', [customerId]);
      await em.query(REBUILD_SQL, [customerId]);
      // A mark set meanwhile (gen moved on) stays: the change behind it may not be in what was just read.
      await em.query('DELETE FROM customer_counters_stale WHERE customer_id = $1 AND gen = $2', [customerId, mark.gen]);
    });
  }

  // Some of the customers waiting for a rebuild.
  async staleCustomers(limit: number): Promise<string[]> {
    const rows: { customer_id: string }[] = await this.db.dataSource.query(
      'SELECT customer_id FROM customer_counters_stale ORDER BY customer_id LIMIT $1', [limit],
    );
    return rows.map((r) => r.customer_id);
  }
}
