import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DeliveryOutbox } from '../deliveries/delivery-outbox';
import { DigestSettingsService } from '../digests/digest-settings.service';
import { NewEventHooks, NewEventsHook } from '../events/new-event-hooks';

export const URGENT_CAUSE = 'event.urgent';

// Events of a kind their customer marked urgent are not left for the digest: each becomes one email delivery, written
// by the same statement that stores the event (a hook on new events: ingestion runs at ~12k events/s, so one more CTE,
// no round trip, nothing per event in JavaScript), so that an alert exists if and only if its event was stored. Only
// events new in this insert get one: a re-poll or a duplicate push stores nothing and so alerts nothing, and events
// matched later by the rematch job (old news) never pass through here. The dedupe key makes a second delivery of one
// event impossible.
@Injectable()
export class UrgentAlerts implements NewEventsHook, OnModuleInit {
  readonly name = 'urgent-alerts';

  constructor(
    private readonly hooks: NewEventHooks,
    private readonly settings: DigestSettingsService,
    private readonly outbox: DeliveryOutbox,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  // The payload keeps what the alert says about the event (it may be purged by retention before a retry) and the
  // recipients at the time of the event.
  sql(events: string, organizationParam: string): string {
    return this.outbox.insertSql(`SELECT ${organizationParam}, ev.customer_id, 'email', '${URGENT_CAUSE}', ev.id::text, '${URGENT_CAUSE}:' || ev.id || ':email',
              jsonb_build_object('to', to_jsonb(u.recipients), 'event', jsonb_build_object(
                'id', ev.id::text, 'kind', ev.kind, 'severity', ev.severity, 'threatName', left(ev.threat_name, 500),
                'filePath', left(ev.file_path, 2048), 'process', left(ev.process, 2048), 'server', ev.server, 'domain', ev.domain,
                'siteId', ev.site_id, 'siteDomain', st.domains[1], 'occurredAt', ev.occurred_at))
       FROM ${events} ev
       JOIN ${this.settings.urgentSubscriptionsSql(organizationParam)} u ON u.customer_id = ev.customer_id AND ev.kind = ANY(u.urgent_kinds)
       LEFT JOIN sites st ON st.id = ev.site_id`);
  }

  async written(em: EntityManager, deliveryIds: string[]): Promise<void> {
    await this.outbox.queue(em, deliveryIds);
  }
}
