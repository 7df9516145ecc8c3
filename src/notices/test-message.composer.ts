import { Injectable, OnModuleInit } from '@nestjs/common';
import { BrandsService } from '../brands/brands.service';
import { DeliveryComposer, DeliveryComposers } from '../deliveries/delivery-composers';
import type { DeliveryRow } from '../deliveries/delivery-ledger';
import type { OutboundMessage } from '../destinations/destination';

export const TEST_CAUSE = 'notification.test';

export interface TestPayload {
  destinationId: string;
  destinationName: string;
  requestedBy: string;
  requestedAt: string;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// What a destination's test says: that it works, sent as the organization's default brand (mail) or as a
// `notification.test` JSON event (webhooks and other JSON targets).
@Injectable()
export class TestMessageComposer implements DeliveryComposer, OnModuleInit {
  constructor(
    private readonly composers: DeliveryComposers,
    private readonly brands: BrandsService,
  ) {}

  onModuleInit(): void {
    this.composers.register(TEST_CAUSE, this);
  }

  async compose(d: DeliveryRow): Promise<OutboundMessage> {
    const p = d.payload as unknown as TestPayload;
    const brand = await this.brands.resolve(d.organizationId, null);
    const text = `This is a test message for the destination "${p.destinationName}", requested at ${p.requestedAt}. If you can read it, the destination works.`;
    return {
      brand,
      content: { subject: `[${brand.senderName}] Test message: ${p.destinationName}`, text, html: `<p>${escape(text)}</p>` },
      event: {
        type: TEST_CAUSE,
        timestamp: p.requestedAt,
        data: { destination: { id: p.destinationId, name: p.destinationName }, requestedBy: p.requestedBy, message: 'This is a test message from hostdigest.' },
      },
    };
  }
}
