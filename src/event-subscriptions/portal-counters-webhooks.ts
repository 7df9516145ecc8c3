import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { CustomerCounters } from '../counters/customer-counters';
import { Database } from '../db/database';
import { ComposeError, DeliveryComposer, DeliveryComposers } from '../deliveries/delivery-composers';
import type { DeliveryRow } from '../deliveries/delivery-ledger';
import { DeliveryOutbox } from '../deliveries/delivery-outbox';
import type { OutboundMessage } from '../destinations/destination';
import { NewEventHooks, NewEventsHook } from '../events/new-event-hooks';
import { defineJob, done, JobHandler, JobResult, skipped } from '../jobs/job';
import { JobEngine } from '../jobs/job-engine';

export const PORTAL_COUNTERS = 'portal.counters';

export interface PortalCountersPayload {
  customer: { id: string; externalRef: string | null; name: string };
  month: string; // YYYY-MM, the customer's local month
  counters: { sitesCleanedThisMonth: number; openThreats: number; protectedSites: number };
  at: string;
}

interface CountersJob {
  customerId: string;
  window: number; // the coalescing window (epoch / window length) this job stands for
}

// `portal.counters` (what a control panel shows: sites cleaned this month in the customer's local month, open
// threats, protected sites) to every webhook destination subscribed to it (a disabled one's held until it is enabled), when a customer's counters change
// (new events stored), coalesced to at most one message per customer, destination and window (a minute,
// PORTAL_COUNTERS_WINDOW_SECONDS). The coalescing is the job engine's, not a timer: new events queue, in the
// transaction that stores them, a job for the current window (run now) and one for the next (run when it starts),
// each deduplicated by (customer, window) across replicas; the delivery's dedupe key holds the window too. A job
// sends only figures that differ from the last message to that destination, so the next window's job is silent when
// nothing changed after the current one ran. The figures are the counters' rollup (counters/), /v1/stats's for the customer's month.
@Injectable()
export class PortalCountersWebhooks implements NewEventsHook, DeliveryComposer, JobHandler<CountersJob>, OnModuleInit {
  readonly name = 'portal-counters-webhooks';
  readonly job = defineJob<CountersJob>('webhooks.portal-counters', { retryLimit: 5, retryDelaySeconds: 5, concurrency: 2, expireInSeconds: 5 * 60 });

  constructor(
    private readonly hooks: NewEventHooks,
    private readonly outbox: DeliveryOutbox,
    private readonly composers: DeliveryComposers,
    private readonly jobs: JobEngine,
    private readonly customerCounters: CustomerCounters,
    private readonly db: Database,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
    this.composers.register(PORTAL_COUNTERS, this);
    this.jobs.register(this.job, this);
  }

  // The customers of the new events that some destination listens to (nothing is written here: the ids go to written()).
  sql(events: string, organizationParam: string): string {
    return `SELECT DISTINCT ev.customer_id AS id FROM ${events} ev
       WHERE ev.customer_id IS NOT NULL AND EXISTS (
         SELECT 1 FROM destinations ds WHERE ds.organization_id = ${organizationParam} AND ds.kind = 'webhook'
           AND '${PORTAL_COUNTERS}' = ANY(ds.event_types) AND (ds.customer_id IS NULL OR ds.customer_id = ev.customer_id))`;
  }

  async written(em: EntityManager, customerIds: string[]): Promise<void> {
    const windowMs = this.config.deliveries.countersWindowSeconds * 1000;
    const window = Math.floor(Date.now() / windowMs);
    for (const customerId of customerIds) {
      await this.jobs.send(this.job, { customerId, window }, { dedupeKey: `${customerId}:${window}`, tx: em });
      await this.jobs.send(this.job, { customerId, window: window + 1 }, { dedupeKey: `${customerId}:${window + 1}`, tx: em, startAfter: new Date((window + 1) * windowMs) });
    }
  }

  async handle(p: CountersJob): Promise<JobResult> {
    const [customer]: { organizationId: string; id: string; externalRef: string | null; name: string; month: string }[] = await this.db.dataSource.query(
      `SELECT organization_id AS "organizationId", id, external_ref AS "externalRef", name, to_char(now() AT TIME ZONE time_zone, 'YYYY-MM') AS month
       FROM customers WHERE id = $1`,
      [p.customerId],
    );
    if (!customer) return skipped('customer gone');
    const counters = await this.counters(customer.organizationId, customer.id);
    const payload: PortalCountersPayload = {
      customer: { id: customer.id, externalRef: customer.externalRef, name: customer.name },
      month: customer.month,
      counters,
      at: new Date().toISOString(),
    };
    const written = await this.db.transaction(async (em) => {
      const rows: { id: string }[] = await em.query(
        `WITH ins AS (${this.outbox.insertSql(
          `SELECT $1::uuid, $2::uuid, 'webhook', '${PORTAL_COUNTERS}', $2::text || ':' || $3::text, '${PORTAL_COUNTERS}:' || $2 || ':' || $3 || ':' || ds.id, $4::jsonb, ds.id
           FROM destinations ds
           WHERE ds.organization_id = $1 AND ds.kind = 'webhook' AND '${PORTAL_COUNTERS}' = ANY(ds.event_types)
             AND (ds.customer_id IS NULL OR ds.customer_id = $2)
             AND NOT EXISTS (
               SELECT 1 FROM (SELECT d.payload FROM deliveries d WHERE d.destination_id = ds.id AND d.cause_type = '${PORTAL_COUNTERS}' AND d.customer_id = $2
                              ORDER BY d.created_at DESC LIMIT 1) last
               WHERE last.payload->'counters' = $4::jsonb->'counters' AND last.payload->>'month' = $4::jsonb->>'month')`,
          true,
        )}) SELECT id FROM ins`,
        [customer.organizationId, customer.id, String(p.window), JSON.stringify(payload)],
      );
      if (rows.length) await this.outbox.queue(em, rows.map((r) => r.id));
      return rows.length;
    });
    return written ? done({ deliveries: written }) : skipped('no change, or already sent in this window');
  }

  // The counters of the customer's current local month, from the rollup that GET /v1/customers/:id/counters reads
  // (the same figures as /v1/stats for that customer and month).
  private async counters(organizationId: string, customerId: string): Promise<PortalCountersPayload['counters']> {
    const c = await this.customerCounters.read(organizationId, customerId);
    return { sitesCleanedThisMonth: c.sitesCleanedThisMonth, openThreats: c.openThreats, protectedSites: c.protectedSites };
  }

  async compose(d: DeliveryRow): Promise<OutboundMessage> {
    const p = d.payload as unknown as PortalCountersPayload;
    if (!p?.customer?.id || !p.counters) throw new ComposeError('the delivery holds no counters');
    return { event: { type: PORTAL_COUNTERS, timestamp: new Date(p.at).toISOString(), data: { customer: p.customer, month: p.month, counters: p.counters } } };
  }
}
