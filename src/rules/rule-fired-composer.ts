import { Injectable, OnModuleInit } from '@nestjs/common';
import { BrandsService } from '../brands/brands.service';
import { CustomersService } from '../customers/customers.service';
import { ComposeError, DeliveryComposer, DeliveryComposers } from '../deliveries/delivery-composers';
import { CustomerPageLinks } from '../digests/customer-page-links';
import type { EventKind, Severity } from '../events/normalized-event';
import type { RuleTemplateData } from '../templates/template-data';
import { TemplateCompileError, TemplateRenderError } from '../templates/template-errors';
import { TemplatesService } from '../templates/templates.service';
import type { DeliveryRow } from '../deliveries/delivery-ledger';
import type { OutboundMessage } from '../destinations/destination';
import { ActionParams } from './action-params';
import { isChannelKind } from '../destinations/channels/channel-kinds';
import { RULE_FIRED } from './rule-fired';
import { RuleFiredChannelText } from './rule-fired-channel-text';
import { AlertEvent, UrgentAlertMail } from './urgent-alert-mail';

export interface FiringPayload {
  id: string;
  group: string;
  incident: string;
  firedAt: string;
  suppressed: number;
  eventCount: number;
  more: number;
  data: Record<string, unknown>;
  events: Record<string, unknown>[];
  customer: Record<string, unknown> | null;
}

export interface RuleFiredPayload {
  rule: { id: string; name: string };
  trigger: string;
  action: { destinationId?: string; recipients?: 'customer'; templateKind?: string; params?: Record<string, unknown> };
  sentAt: string;
  firings: FiringPayload[];
}

// What a rule's delivery says, from what was snapshotted at firing time. An e-mail destination gets the `rule.fired`
// template kind rendered through templates/ in the customer's brand, locale and zone (the organization's default brand
// for a firing of no single customer), at send time, so a fixed template or brand shows on a replay. A signed webhook gets
// {type: 'rule.fired', data: {rule, trigger, group, incident, events (up to 50), more, suppressed, ...}}; firings held
// together by quiet hours come as one message with `firings`. Params are rendered (action-params.ts) for the adapters
// that read them (tickets, notes, billable items), per firing.
@Injectable()
export class RuleFiredComposer implements DeliveryComposer, OnModuleInit {
  constructor(
    private readonly composers: DeliveryComposers,
    private readonly customers: CustomersService,
    private readonly brands: BrandsService,
    private readonly templates: TemplatesService,
    private readonly pageLinks: CustomerPageLinks,
    private readonly params: ActionParams,
    private readonly channelText: RuleFiredChannelText,
    private readonly urgentMail: UrgentAlertMail,
  ) {}

  onModuleInit(): void {
    this.composers.register(RULE_FIRED, this);
  }

  async compose(d: DeliveryRow): Promise<OutboundMessage> {
    const p = d.payload as unknown as RuleFiredPayload;
    if (!p?.rule?.id || !Array.isArray(p.firings) || !p.firings.length) throw new ComposeError('the delivery holds no firing');
    if (d.destination === 'email' && p.action?.templateKind === 'alert.urgent') return this.urgentMail.about(d, p.firings[0].events[0] as unknown as AlertEvent);
    if (d.destination === 'email') return this.email(d, p);
    const base = { rule: p.rule, trigger: p.trigger };
    // Params are rendered per firing (a firing's incident, customer and events), so a bundle's items each carry their own.
    const one = async (f: FiringPayload) => ({
      firingId: f.id, group: f.group, incident: f.incident, firedAt: new Date(f.firedAt).toISOString(), customer: f.customer,
      suppressed: f.suppressed, eventCount: f.eventCount, events: f.events, more: f.more, ...f.data,
      params: await this.params.render(p.action?.params ?? {}, {
        rule: p.rule, organization: d.organizationId, group: f.group, incident: f.incident, firedAt: new Date(f.firedAt).toISOString(),
        customer: f.customer, suppressed: f.suppressed, events: f.events, more: f.more, data: f.data,
      }),
    });
    const data = p.firings.length === 1 ? { ...base, ...(await one(p.firings[0])) } : { ...base, heldByQuietHours: true, firings: await Promise.all(p.firings.map(one)) };
    const event = { type: RULE_FIRED, timestamp: new Date(p.sentAt).toISOString(), data };
    return isChannelKind(d.destination) ? this.channelText.compose(d, p, event) : { event };
  }

  private async email(d: DeliveryRow, p: RuleFiredPayload): Promise<OutboundMessage> {
    const customer = d.customerId ? await this.customers.get(d.organizationId, d.customerId).catch(() => null) : null;
    const brand = await this.brands.resolve(d.organizationId, customer?.brandId ?? null);
    const links = customer ? this.pageLinks.forMessage(brand, customer.id, null) : null;
    const first = p.firings[0];
    const fd = first.data as { count?: number; threshold?: number; from?: string; to?: string; update?: boolean; period?: { from: string; to: string } };
    const events = p.firings.flatMap((f) => f.events).slice(0, 50) as unknown as RuleTemplateData['events'];
    const eventCount = p.firings.reduce((n, f) => n + f.eventCount, 0);
    const data: Omit<RuleTemplateData, 'brand'> = {
      locale: customer?.locale ?? 'en',
      timeZone: customer?.timeZone ?? 'UTC',
      customer: { id: customer?.id ?? '', name: customer?.name ?? '' },
      rule: p.rule, trigger: p.trigger, firedAt: new Date(first.firedAt).toISOString(), incident: first.incident, firings: p.firings.length,
      eventCount, more: Math.max(0, eventCount - events.length), suppressed: p.firings.reduce((n, f) => n + f.suppressed, 0),
      count: fd.count ?? null, threshold: fd.threshold ?? null, from: fd.from ?? null, to: fd.to ?? null, update: fd.update === true,
      periodStart: fd.period?.from ?? null, periodEnd: fd.period?.to ?? null,
      events: events.map((e) => ({ ...e, kind: e.kind as EventKind, severity: e.severity as Severity | null, occurredAt: new Date(e.occurredAt).toISOString() })),
      links: { portal: links?.portal ?? brand.values.portalUrl ?? '', support: links?.support ?? brand.values.supportUrl ?? '' },
    };
    try {
      const { email } = await this.templates.renderPublished(d.organizationId, customer?.brandId ?? null, 'rule.fired', data);
      return { brand, content: email };
    } catch (err) {
      if (err instanceof TemplateRenderError || err instanceof TemplateCompileError) throw new ComposeError(`template: ${err.message}`);
      throw err;
    }
  }
}
