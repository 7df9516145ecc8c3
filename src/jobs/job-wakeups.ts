import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';

// The channel on which a transaction that queued jobs says so, at its commit (PostgreSQL delivers NOTIFY only then,
// and folds repeats within one transaction): the payload is the queue's name.
export const WAKE_CHANNEL = 'hostdigest_jobs';
const RECONNECT_MS = 5_000;

// Idle pg-boss workers look for work every JOBS_POLL_SECONDS (≥ 1 s): a job queued in between waits for that, which
// is most of a webhook's latency from the event to the receiver. Each replica listens on WAKE_CHANNEL and wakes its
// idle workers of the named queue at once, on every replica. Only a shortcut: if the listening connection is down,
// workers still poll, so nothing is lost, only slower (the connection is re-made after RECONNECT_MS).
export class JobWakeups {
  private readonly logger = new Logger('Jobs');
  private readonly listeners = new Map<string, (() => void)[]>();
  private client: Client | null = null;
  private closed = false;

  constructor(private readonly url: string) {}

  on(queue: string, wake: () => void): void {
    this.listeners.set(queue, [...(this.listeners.get(queue) ?? []), wake]);
  }

  async start(): Promise<void> {
    if (this.closed || this.client) return;
    const client = new Client({ connectionString: this.url, application_name: 'hostdigest-job-wakeups' });
    client.on('notification', (n) => {
      for (const wake of this.listeners.get(n.payload ?? '') ?? []) wake();
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, null));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${WAKE_CHANNEL}`);
    } catch (err) {
      this.lost(client, err as Error);
    }
  }

  private lost(client: Client, err: Error | null): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger.warn(`job wake-up connection lost (${err?.message ?? 'closed'}); workers poll until it is back`);
    setTimeout(() => void this.start(), RECONNECT_MS).unref();
  }

  async stop(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}

// Said in the transaction that queued jobs of `queue` (delivered when it commits), or on its own after a send
// outside one.
export async function wake(em: Pick<EntityManager, 'query'>, queue: string): Promise<void> {
  await em.query(`SELECT pg_notify($1, $2)`, [WAKE_CHANNEL, queue]);
}
