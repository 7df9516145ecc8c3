import { Injectable, OnModuleInit } from '@nestjs/common';
import { BrandsService } from '../brands/brands.service';
import { CustomerPageLinks } from '../digests/customer-page-links';
import { ComposeError, DeliveryComposer, DeliveryComposers } from '../deliveries/delivery-composers';
import type { DeliveryRow } from '../deliveries/delivery-ledger';
import type { OutboundMessage } from '../destinations/destination';
import { DigestSettingsService } from '../digests/digest-settings.service';
import { UnsubscribeLinks } from '../digests/unsubscribe-links';
import type { AlertTemplateData } from '../templates/template-data';
import { TemplateCompileError, TemplateRenderError } from '../templates/template-errors';
import { TemplatesService } from '../templates/templates.service';
import type { EventKind, Severity } from '../events/normalized-event';

// Deliveries written before urgent alerts became a rule (cause event.urgent, payload {to, event}): still sent,
// retried and replayed as they were.
export const LEGACY_URGENT_CAUSE = 'event.urgent';

// One event as snapshotted into a delivery's payload (EVENT_LIST_SQL, and the old urgent alerts).
export interface AlertEvent {
  id: string; kind: EventKind; severity: Severity | null; threatName: string | null; filePath: string | null; process: string | null;
  server: string | null; domain: string | null; siteId: string | null; siteDomain?: string | null; occurredAt: string;
}

// The brand's `alert.urgent` e-mail about one event, to a customer's own recipients: what a rule action
// {recipients: 'customer', templateKind: 'alert.urgent'} sends (the managed urgent-kinds rule). Rendered at send time,
// so a replay after the operator fixed a template or a brand sends the fixed version; the event was snapshotted into the
// payload at firing time, so the content does not depend on the event still being stored. The template data is the
// same as before rules sent it, so customized templates still render.
@Injectable()
export class UrgentAlertMail implements DeliveryComposer, OnModuleInit {
  constructor(
    private readonly composers: DeliveryComposers,
    private readonly settings: DigestSettingsService,
    private readonly brands: BrandsService,
    private readonly templates: TemplatesService,
    private readonly links: UnsubscribeLinks,
    private readonly pageLinks: CustomerPageLinks,
  ) {}

  onModuleInit(): void {
    this.composers.register(LEGACY_URGENT_CAUSE, this);
  }

  compose(d: DeliveryRow): Promise<OutboundMessage> {
    return this.about(d, (d.payload as unknown as { event: AlertEvent }).event);
  }

  // The customer's brand, locale and time zone as its digest uses them (digest settings, else the customer's).
  async about(d: DeliveryRow, e: AlertEvent | undefined): Promise<OutboundMessage> {
    if (!e?.id) throw new ComposeError('the delivery holds no event');
    const settings = d.customerId ? await this.settings.findForCustomer(d.customerId) : null;
    if (!settings || settings.customer.organizationId !== d.organizationId) throw new ComposeError('the customer no longer exists');
    const { customer } = settings;
    const brand = await this.brands.resolve(d.organizationId, customer.brandId);
    const page = this.pageLinks.forMessage(brand, customer.id, null); // the brand's portal, else the hosted page
    const manage = this.links.forCustomer(brand.publicBaseUrl, customer.id);
    const data: Omit<AlertTemplateData, 'brand'> = {
      locale: settings.locale,
      timeZone: settings.timeZone,
      customer: { id: customer.id, name: customer.name },
      site: { id: e.siteId, domain: e.siteDomain ?? e.domain ?? e.server ?? '', url: e.siteId ? page.site(e.siteId) : page.sites },
      event: {
        id: e.id, kind: e.kind, severity: e.severity, threatName: e.threatName, filePath: e.filePath, process: e.process, server: e.server,
        occurredAt: new Date(e.occurredAt).toISOString(),
      },
      links: { portal: page.portal, threats: page.threats, support: page.support, preferences: manage.preferences },
    };
    try {
      const { email } = await this.templates.renderPublished(d.organizationId, customer.brandId, 'alert.urgent', data);
      return {
        brand,
        content: email,
        headers: { 'List-Unsubscribe': `<${manage.oneClick}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      };
    } catch (err) {
      if (err instanceof TemplateRenderError || err instanceof TemplateCompileError) throw new ComposeError(`template: ${err.message}`);
      throw err;
    }
  }
}
