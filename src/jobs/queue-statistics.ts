import { Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Database } from '../db/database';

// What keeps pg-boss's fetches cheap on a long queue: an index in the fetch's order, and fresh statistics after a
// bulk insert. Only optimisations: without them jobs still run, more slowly.
export class QueueStatistics {
  private readonly logger = new Logger('Jobs');
  private readonly analyzedAt = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly schema: string,
  ) {}

  // pg-boss fetches with ORDER BY priority DESC, created_on, id … LIMIT n FOR UPDATE SKIP LOCKED, but its own
  // fetch index is on (name, start_after): every fetch sorted the whole backlog of its queue (27 ms per fetch with
  // 10,000 digests queued, a third of the database's CPU in a run). This index has the fetch's order, so a fetch
  // reads its n rows. On the partitioned parent, so PostgreSQL builds it on every queue's partition, also on those
  // pg-boss attaches later. Not CONCURRENTLY (not possible on a partitioned table): the job table is small.
  // Only an optimisation: without it (e.g. the job schema belongs to another role) jobs still run, more slowly.
  async ensureFetchIndex(): Promise<void> {
    try {
      await this.db.dataSource.query(
        `CREATE INDEX IF NOT EXISTS job_fetch_order ON "${this.schema}".job (name, priority DESC, created_on, id)
         INCLUDE (start_after) WHERE state < 'active'`,
      );
    } catch (err) {
      this.logger.warn(`job fetch index not created (fetches from a long backlog sort it on every fetch): ${(err as Error).message}`);
    }
  }

  // After a bulk insert (a scheduler queuing thousands), the queue's statistics still describe the table as it was
  // (often: all jobs completed), and PostgreSQL plans the fetch for a near-empty queue: pg-boss's (name, start_after)
  // index and a sort of the whole backlog on every fetch, instead of job_fetch_order. ANALYZE of the queue's
  // partition (in the caller's transaction, so it counts the new jobs) puts that right; at most every 10 s per queue
  // and replica, as autovacuum would, only sooner.
  async refresh(queue: string, tx?: EntityManager): Promise<void> {
    const last = this.analyzedAt.get(queue) ?? 0;
    if (Date.now() - last < 10_000) return;
    this.analyzedAt.set(queue, Date.now());
    const em = tx ?? this.db.manager;
    const [row]: { partition: string }[] = await em.query(
      `SELECT partition_name AS partition FROM "${this.schema}".queue WHERE name = $1`, [queue]);
    // SKIP_LOCKED: when another transaction is analysing the queue (its lock is held until it commits), skip rather
    // than wait, so that two enqueuing transactions never wait on each other here.
    if (row) await em.query(`ANALYZE (SKIP_LOCKED) "${this.schema}"."${row.partition}"`);
  }
}
