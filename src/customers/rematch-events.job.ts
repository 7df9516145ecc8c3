import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Database } from '../db/database';
import { defineJob, done, JobContext, JobHandler, JobResult } from '../jobs/job';
import { JobEngine } from '../jobs/job-engine';
import { EventMatcher, MatchableEvent } from './event-matcher';

export interface RematchEventsPayload {
  organizationId: string;
}

// Stately per organization: one walk runs and at most one more waits, so a burst of site edits costs two walks and a
// change made while a walk runs is still seen by the next one.
export const REMATCH_EVENTS = defineJob<RematchEventsPayload>('customers.rematch-events', { policy: 'stately', retryLimit: 3 });

const BATCH = 5_000;

// Call inside the transaction that changes sites or their keys: the walk is queued if and only if the change commits.
export function enqueueRematch(jobs: JobEngine, tx: EntityManager, organizationId: string): Promise<string | null> {
  return jobs.send(REMATCH_EVENTS, { organizationId }, { singletonKey: organizationId, tx });
}

// Walks the organization's unmatched events (partial index events_unmatched) and matches them against the current
// sites, a batch per transaction so that ingestion is never blocked for long.
@Injectable()
export class RematchEventsJob implements JobHandler<RematchEventsPayload>, OnModuleInit {
  constructor(
    private readonly jobs: JobEngine,
    private readonly db: Database,
    private readonly matcher: EventMatcher,
  ) {}

  onModuleInit(): void {
    this.jobs.register(REMATCH_EVENTS, this);
  }

  async handle({ organizationId }: RematchEventsPayload, ctx: JobContext): Promise<JobResult> {
    let after = '0';
    let scanned = 0;
    let matched = 0;
    for (;;) {
      // Thrown, not returned: the rest of the walk must still happen, and the engine retries the job.
      if (ctx.signal.aborted) throw new Error(`rematch of ${organizationId} interrupted by shutdown after ${scanned} events`);
      const rows: { id: string; domain: string | null; server: string | null; account_user: string | null; vendor_site_id: string | null }[] =
        await this.db.dataSource.query(
          `SELECT id, domain, server, account_user, vendor_site_id FROM events
           WHERE organization_id = $1 AND customer_id IS NULL AND id > $2
           ORDER BY id LIMIT $3`,
          [organizationId, after, BATCH],
        );
      if (rows.length === 0) break;
      after = String(rows[rows.length - 1].id);
      scanned += rows.length;
      const events: MatchableEvent[] = rows
        .filter((r) => r.domain || r.server || r.vendor_site_id)
        .map((r) => ({ id: String(r.id), domain: r.domain, server: r.server, accountUser: r.account_user, vendorSiteId: r.vendor_site_id }));
      if (events.length) matched += await this.db.transaction((em) => this.matcher.match(em, organizationId, events));
      if (rows.length < BATCH) break;
    }
    return done({ scanned, matched });
  }
}
