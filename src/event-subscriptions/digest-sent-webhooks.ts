import { Injectable, OnModuleInit } from '@nestjs/common';
import { orNullIfNotFound as orNull } from '../errors/domain-error';
import { EntityManager } from 'typeorm';
import { ComposeError, DeliveryComposer, DeliveryComposers } from '../deliveries/delivery-composers';
import type { DeliveryRow } from '../deliveries/delivery-ledger';
import { DeliveryOutbox } from '../deliveries/delivery-outbox';
import { BrandsService } from '../brands/brands.service';
import { CustomersService } from '../customers/customers.service';
import { isChannelKind } from '../destinations/channels/channel-kinds';
import type { OutboundEvent, OutboundMessage } from '../destinations/destination';
import { CustomerPageLinks } from '../digests/customer-page-links';
import { ChannelTemplates } from '../templates/channel-templates';
import { TemplateCompileError, TemplateRenderError } from '../templates/template-errors';
import { digestSentChannelData } from './digest-sent-channel-data';
import { DigestSentHook, DigestSentHooks } from '../digests/digest-sent-hooks';

export const DIGEST_SENT = 'digest.sent';

// The figures the digest showed, as the message states them (snapshotted when the digest is marked sent).
export interface DigestSentPayload {
  digest: { id: string; cadence: string; periodStart: string; periodEnd: string; generation: number; sentAt: string };
  customer: { id: string; externalRef: string | null; name: string } | null;
  counts: {
    events: number; detections: number; threats: number; cleaned: number; outstanding: number; sites: number; sitesAffected: number;
    sitesCleanedThisMonth: number;
  };
}

// `digest.sent` to every destination subscribed to it (webhooks, and the chat and push channels whose kind spec lists
// it: a short text from the channel.digest.sent template) (a disabled one's held until it is enabled): one delivery per digest marked sent and
// destination, written by the statement that marks it sent (a digest-sent hook), so it exists if and only if the
// digest is recorded as sent. A destination that belongs to a customer gets that customer's digests only.
@Injectable()
export class DigestSentWebhooks implements DigestSentHook, DeliveryComposer, OnModuleInit {
  readonly name = 'digest-sent-webhooks';

  constructor(
    private readonly hooks: DigestSentHooks,
    private readonly outbox: DeliveryOutbox,
    private readonly composers: DeliveryComposers,
    private readonly customers: CustomersService,
    private readonly brands: BrandsService,
    private readonly pageLinks: CustomerPageLinks,
    private readonly channelTemplates: ChannelTemplates,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
    this.composers.register(DIGEST_SENT, this);
  }

  sql(sent: string): string {
    const n = (k: string) => `coalesce((d.counts->>'${k}')::int, 0)`;
    return this.outbox.insertSql(
      `SELECT d.organization_id, d.customer_id, ds.kind, '${DIGEST_SENT}', d.id::text, '${DIGEST_SENT}:' || d.id || ':' || ds.id,
              jsonb_build_object(
                'digest', jsonb_build_object('id', d.id::text, 'cadence', d.cadence, 'periodStart', d.period_start, 'periodEnd', d.period_end,
                  'generation', d.generation, 'sentAt', d.sent_at),
                'customer', CASE WHEN c.id IS NULL THEN NULL ELSE jsonb_build_object('id', c.id, 'externalRef', c.external_ref, 'name', c.name) END,
                'counts', jsonb_build_object('events', ${n('events')}, 'detections', ${n('detections')}, 'threats', ${n('threats')},
                  'cleaned', ${n('cleaned')}, 'outstanding', ${n('outstanding')}, 'sites', ${n('sites')}, 'sitesAffected', ${n('sitesAffected')},
                  'sitesCleanedThisMonth', ${n('sitesCleanedThisMonth')})),
              ds.id
       FROM ${sent} d
       JOIN destinations ds ON ds.organization_id = d.organization_id
            AND '${DIGEST_SENT}' = ANY(ds.event_types) AND (ds.customer_id IS NULL OR ds.customer_id = d.customer_id)
       LEFT JOIN customers c ON c.id = d.customer_id`,
      true,
    );
  }

  async written(em: EntityManager, deliveryIds: string[]): Promise<void> {
    await this.outbox.queue(em, deliveryIds);
  }

  async compose(d: DeliveryRow): Promise<OutboundMessage> {
    const p = d.payload as unknown as DigestSentPayload;
    if (!p?.digest?.id) throw new ComposeError('the delivery holds no digest');
    const iso = (v: string) => new Date(v).toISOString();
    const digest = { ...p.digest, periodStart: iso(p.digest.periodStart), periodEnd: iso(p.digest.periodEnd), sentAt: iso(p.digest.sentAt) };
    const event = { type: DIGEST_SENT, timestamp: digest.sentAt, data: { digest, customer: p.customer, counts: p.counts } };
    return isChannelKind(d.destination) ? this.channelText(d, p, digest, event) : { event };
  }

  // A chat or push channel's short text from the brand's channel.digest.sent template, in the customer's locale.
  private async channelText(d: DeliveryRow, p: DigestSentPayload, digest: DigestSentPayload['digest'], event: OutboundEvent): Promise<OutboundMessage> {
    const customer = p.customer ? await this.customers.get(d.organizationId, p.customer.id).catch(orNull) : null;
    const brand = await this.brands.resolve(d.organizationId, customer?.brandId ?? null);
    const link = customer ? this.pageLinks.forMessage(brand, customer.id, null).portal : brand.values.portalUrl;
    try {
      const { text } = await this.channelTemplates.render(d.organizationId, brand.id, 'channel.digest.sent', digestSentChannelData(p, digest, customer, link || null), d.destination);
      return { brand, text, event };
    } catch (err) {
      if (err instanceof TemplateRenderError || err instanceof TemplateCompileError) throw new ComposeError(`channel template: ${err.message}`);
      throw err;
    }
  }
}
