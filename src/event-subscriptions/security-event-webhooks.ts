import { Injectable, OnModuleInit } from '@nestjs/common';
import { orNullIfNotFound as orNull } from '../errors/domain-error';
import { EntityManager } from 'typeorm';
import { BrandsService } from '../brands/brands.service';
import { ComposeError, DeliveryComposer, DeliveryComposers } from '../deliveries/delivery-composers';
import type { DeliveryRow } from '../deliveries/delivery-ledger';
import { DeliveryOutbox } from '../deliveries/delivery-outbox';
import type { OutboundMessage } from '../destinations/destination';
import { isChannelKind } from '../destinations/channels/channel-kinds';
import { CustomersService } from '../customers/customers.service';
import type { ResolvedBrand } from '../templates/branded-email';
import { ChannelTemplates } from '../templates/channel-templates';
import { TemplateCompileError, TemplateRenderError } from '../templates/template-errors';
import { securityEventChannelData } from './security-event-channel-data';
import { NewEventHooks, NewEventsHook } from '../events/new-event-hooks';

export const SECURITY_EVENT_CREATED = 'security_event.created';

// The event as the message states it, snapshotted at insert time (retention may purge the event before a retry).
export interface SecurityEventPayload {
  event: {
    id: string; kind: string; severity: string | null; threatName: string | null; filePath: string | null; process: string | null;
    server: string | null; domain: string | null; occurredAt: string;
  };
  // brandId: the customer's brand when the event was stored (absent in older rows); not part of the message's data.
  customer: { id: string; externalRef: string | null; name: string; brandId?: string | null } | null;
  site: { id: string; domain: string | null } | null;
}

// `security_event.created` to every destination subscribed to it (webhooks, and chat/push/paging channels, each by its
// own adapter; the kinds that may subscribe are the destination registry's): one delivery per new event and
// destination (a disabled one's is held until it is enabled again), written by the statement that stores the event (a hook on new events, as urgent alerts are), so it
// exists if and only if the event was stored; a re-poll or duplicate push stores nothing and so sends nothing. A
// destination that belongs to a customer gets that customer's events only.
@Injectable()
export class SecurityEventWebhooks implements NewEventsHook, DeliveryComposer, OnModuleInit {
  readonly name = 'security-event-webhooks';

  constructor(
    private readonly hooks: NewEventHooks,
    private readonly outbox: DeliveryOutbox,
    private readonly composers: DeliveryComposers,
    private readonly brands: BrandsService,
    private readonly customers: CustomersService,
    private readonly channelTemplates: ChannelTemplates,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
    this.composers.register(SECURITY_EVENT_CREATED, this);
  }

  sql(events: string, organizationParam: string): string {
    return this.outbox.insertSql(
      `SELECT ${organizationParam}, ev.customer_id, ds.kind, '${SECURITY_EVENT_CREATED}', ev.id::text, '${SECURITY_EVENT_CREATED}:' || ev.id || ':' || ds.id,
              jsonb_build_object(
                'event', jsonb_build_object('id', ev.id::text, 'kind', ev.kind, 'severity', ev.severity, 'threatName', left(ev.threat_name, 500),
                  'filePath', left(ev.file_path, 2048), 'process', left(ev.process, 2048), 'server', ev.server, 'domain', ev.domain,
                  'occurredAt', ev.occurred_at),
                'customer', CASE WHEN c.id IS NULL THEN NULL ELSE jsonb_build_object('id', c.id, 'externalRef', c.external_ref, 'name', c.name, 'brandId', c.brand_id) END,
                'site', CASE WHEN ev.site_id IS NULL THEN NULL ELSE jsonb_build_object('id', ev.site_id, 'domain', st.domains[1]) END),
              ds.id
       FROM ${events} ev
       JOIN destinations ds ON ds.organization_id = ${organizationParam}
            AND '${SECURITY_EVENT_CREATED}' = ANY(ds.event_types) AND (ds.customer_id IS NULL OR ds.customer_id = ev.customer_id)
       LEFT JOIN customers c ON c.id = ev.customer_id
       LEFT JOIN sites st ON st.id = ev.site_id`,
      true,
    );
  }

  async written(em: EntityManager, deliveryIds: string[]): Promise<void> {
    await this.outbox.queue(em, deliveryIds);
  }

  async compose(d: DeliveryRow): Promise<OutboundMessage> {
    const p = d.payload as unknown as SecurityEventPayload;
    if (!p?.event?.id) throw new ComposeError('the delivery holds no event');
    const occurredAt = new Date(p.event.occurredAt).toISOString();
    const { brandId, ...customer } = p.customer ?? { brandId: null };
    // The customer's brand, for channels that show its logo as their icon or avatar; a webhook (JSON only) has no use
    // for it, so its deliveries, the most numerous, skip the lookup.
    const event = { type: SECURITY_EVENT_CREATED, timestamp: occurredAt, data: { event: { ...p.event, occurredAt }, customer: p.customer ? customer : null, site: p.site } };
    if (isChannelKind(d.destination)) return { ...(await this.channelText(d, p, occurredAt, brandId ?? null)), event };
    const brand = d.destination === 'webhook' ? undefined : await this.brand(d.organizationId, brandId ?? null);
    return { ...(brand ? { brand } : {}), event };
  }

  // A channel's text from the brand's channel.security_event template, in the customer's locale; a template that
  // cannot render is the operator's to fix (then replay), so the delivery is not retried meanwhile.
  private async channelText(d: DeliveryRow, p: SecurityEventPayload, occurredAt: string, brandId: string | null): Promise<OutboundMessage> {
    const customer = p.customer ? await this.customers.get(d.organizationId, p.customer.id).catch(orNull) : null;
    try {
      const { brand, text } = await this.channelTemplates.render(d.organizationId, brandId, 'channel.security_event', securityEventChannelData(p, occurredAt, customer), d.destination);
      return { brand, text };
    } catch (err) {
      if (err instanceof TemplateRenderError || err instanceof TemplateCompileError) throw new ComposeError(`channel template: ${err.message}`);
      throw err;
    }
  }

  // A brand deleted since the event was stored (customers keep theirs: ON DELETE RESTRICT) falls back to the default.
  private async brand(organizationId: string, brandId: string | null): Promise<ResolvedBrand> {
    if (brandId) {
      const own = await this.brands.resolve(organizationId, brandId).catch(() => null);
      if (own) return own;
    }
    return this.brands.resolve(organizationId, null);
  }
}
