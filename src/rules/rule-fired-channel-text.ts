import { Injectable } from '@nestjs/common';
import { orNullIfNotFound as orNull } from '../errors/domain-error';
import { CustomersService } from '../customers/customers.service';
import { ComposeError } from '../deliveries/delivery-composers';
import type { DeliveryRow } from '../deliveries/delivery-ledger';
import type { OutboundEvent, OutboundMessage } from '../destinations/destination';
import { ChannelTemplates } from '../templates/channel-templates';
import { TemplateCompileError, TemplateRenderError } from '../templates/template-errors';
import { ruleFiredChannelData } from './rule-fired-channel-data';
import type { RuleFiredPayload } from './rule-fired-composer';

// A rule's message to a chat, push, paging or SMS channel: the structured event (paging channels key their incident
// on it) and the text from the channel.rule.fired template, in the customer's brand and locale (the organization's
// default brand for a firing of no single customer).
@Injectable()
export class RuleFiredChannelText {
  constructor(
    private readonly customers: CustomersService,
    private readonly channelTemplates: ChannelTemplates,
  ) {}

  async compose(d: DeliveryRow, p: RuleFiredPayload, event: OutboundEvent): Promise<OutboundMessage> {
    const customer = d.customerId ? await this.customers.get(d.organizationId, d.customerId).catch(orNull) : null;
    try {
      const { brand, text } = await this.channelTemplates.render(d.organizationId, customer?.brandId ?? null, 'channel.rule.fired', ruleFiredChannelData(p, customer), d.destination);
      return { brand, text, event };
    } catch (err) {
      if (err instanceof TemplateRenderError || err instanceof TemplateCompileError) throw new ComposeError(`channel template: ${err.message}`);
      throw err;
    }
  }
}
