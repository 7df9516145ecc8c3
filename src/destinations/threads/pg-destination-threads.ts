import { Injectable } from '@nestjs/common';
import { Database } from '../../db/database';
import { DestinationThread, DestinationThreads, ThreadClaim, ThreadState } from './destination-threads';

interface Row {
  destination_id: string;
  thread_key: string;
  state: ThreadState;
  external_id: string | null;
  data: Record<string, unknown>;
  delivery_id: string | null;
  updated_at: Date;
}

const COLUMNS = 'destination_id, thread_key, state, external_id, data, delivery_id, updated_at';

// The thread store on PostgreSQL: one row per (destination, key), the primary key making a claim exclusive across
// replicas, so that two attempts never both create.
@Injectable()
export class PgDestinationThreads extends DestinationThreads {
  constructor(private readonly db: Database) {
    super();
  }

  async find(destinationId: string, key: string): Promise<DestinationThread | null> {
    const [row] = await this.db.dataSource.query(`SELECT ${COLUMNS} FROM destination_threads WHERE destination_id = $1 AND thread_key = $2`, [destinationId, key]);
    return row ? toThread(row) : null;
  }

  async begin(destinationId: string, key: string, deliveryId: string, leaseSeconds = 300): Promise<ThreadClaim> {
    // xmax <> 0 on the returned row: it was updated (taken over), not inserted, so an earlier attempt had claimed it.
    const [claimed]: { taken_over: boolean }[] = await this.db.dataSource.query(
      `INSERT INTO destination_threads (destination_id, thread_key, state, delivery_id) VALUES ($1, $2, 'creating', $3)
       ON CONFLICT (destination_id, thread_key) DO UPDATE SET delivery_id = EXCLUDED.delivery_id, updated_at = now()
         WHERE destination_threads.state = 'creating'
           AND (destination_threads.delivery_id = EXCLUDED.delivery_id OR destination_threads.updated_at < now() - make_interval(secs => $4))
       RETURNING (xmax <> 0) AS taken_over`,
      [destinationId, key, deliveryId, leaseSeconds],
    );
    if (claimed) return { claimed: true, interrupted: claimed.taken_over };
    const thread = await this.find(destinationId, key);
    // Deleted between the two statements (abandoned by the other attempt): claim again.
    return thread ? { claimed: false, thread } : this.begin(destinationId, key, deliveryId, leaseSeconds);
  }

  async opened(destinationId: string, key: string, externalId: string, data: Record<string, unknown> = {}): Promise<void> {
    await this.db.dataSource.query(
      `UPDATE destination_threads SET state = 'open', external_id = $3, data = data || $4::jsonb, updated_at = now()
       WHERE destination_id = $1 AND thread_key = $2`,
      [destinationId, key, externalId, JSON.stringify(data)],
    );
  }

  async abandon(destinationId: string, key: string): Promise<void> {
    await this.db.dataSource.query(`DELETE FROM destination_threads WHERE destination_id = $1 AND thread_key = $2 AND state = 'creating'`, [destinationId, key]);
  }

  async closed(destinationId: string, key: string, data: Record<string, unknown> = {}): Promise<void> {
    await this.db.dataSource.query(
      `UPDATE destination_threads SET state = 'closed', data = data || $3::jsonb, updated_at = now() WHERE destination_id = $1 AND thread_key = $2`,
      [destinationId, key, JSON.stringify(data)],
    );
  }

  async remember(destinationId: string, key: string, externalId: string, data: Record<string, unknown> = {}): Promise<void> {
    await this.db.dataSource.query(
      `INSERT INTO destination_threads (destination_id, thread_key, state, external_id, data) VALUES ($1, $2, 'open', $3, $4::jsonb)
       ON CONFLICT (destination_id, thread_key) DO UPDATE SET state = 'open', external_id = EXCLUDED.external_id, data = EXCLUDED.data, updated_at = now()`,
      [destinationId, key, externalId, JSON.stringify(data)],
    );
  }
}

function toThread(r: Row): DestinationThread {
  return {
    destinationId: r.destination_id, key: r.thread_key, state: r.state, externalId: r.external_id, data: r.data ?? {},
    deliveryId: r.delivery_id, updatedAt: r.updated_at,
  };
}
