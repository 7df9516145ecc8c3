import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DigestSettingsService } from '../digests/digest-settings.service';
import { JobEngine } from '../jobs/job-engine';
import { DeliveryJobs } from './delivery-jobs';

export const URGENT_CAUSE = 'event.urgent';

// The columns the event insert must return for urgentInsert() (see EventStore.insert).
export const URGENT_EVENT_COLUMNS = 'id, kind, customer_id, site_id, severity, threat_name, file_path, process, server, domain, occurred_at';

// Events of a kind their customer marked urgent are not left for the digest: each becomes one email delivery, written
// by the same statement that stores the event (ingestion runs at ~12k events/s: one more CTE, no round trip, nothing
// per event in JavaScript), so that an alert exists if and only if its event was stored. Only events new in this
// insert get one: a re-poll or a duplicate push stores nothing and so alerts nothing, and events matched later by the
// rematch job (old news) never pass through here. The dedupe key makes a second delivery of one event impossible.
@Injectable()
export class UrgentAlerts {
  constructor(
    private readonly settings: DigestSettingsService,
    private readonly jobs: JobEngine,
    private readonly types: DeliveryJobs,
  ) {}

  // An INSERT … SELECT over `events` (a CTE of the rows just inserted, with URGENT_EVENT_COLUMNS), for use as a
  // data-modifying CTE; returns the new deliveries' ids. The payload keeps what the alert says about the event (it may
  // be purged by retention before a retry) and the recipients at the time of the event.
  insertSql(events: string, organizationParam: string): string {
    return `INSERT INTO deliveries (organization_id, customer_id, destination, cause_type, cause_id, dedupe_key, payload)
       SELECT ${organizationParam}, ev.customer_id, 'email', '${URGENT_CAUSE}', ev.id::text, '${URGENT_CAUSE}:' || ev.id || ':email',
              jsonb_build_object('to', to_jsonb(u.recipients), 'event', jsonb_build_object(
                'id', ev.id::text, 'kind', ev.kind, 'severity', ev.severity, 'threatName', left(ev.threat_name, 500),
                'filePath', left(ev.file_path, 2048), 'process', left(ev.process, 2048), 'server', ev.server, 'domain', ev.domain,
                'siteId', ev.site_id, 'siteDomain', st.domains[1], 'occurredAt', ev.occurred_at))
       FROM ${events} ev
       JOIN ${this.settings.urgentSubscriptionsSql(organizationParam)} u ON u.customer_id = ev.customer_id AND ev.kind = ANY(u.urgent_kinds)
       LEFT JOIN sites st ON st.id = ev.site_id
       ON CONFLICT ON CONSTRAINT deliveries_dedupe DO NOTHING
       RETURNING id`;
  }

  // In the same transaction: the job exists if and only if the delivery commits.
  async enqueue(em: EntityManager, deliveryIds: string[]): Promise<void> {
    await this.jobs.sendMany(this.types.send, deliveryIds.map((id) => ({ payload: { deliveryId: id }, dedupeKey: id })), { tx: em });
  }
}
