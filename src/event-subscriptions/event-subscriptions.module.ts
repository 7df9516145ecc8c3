import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { CountersModule } from '../counters/counters.module';
import { CustomersModule } from '../customers/customers.module';
import { TemplatesModule } from '../templates/templates.module';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { DigestDataModule } from '../digests/digest-data.module';
import { DigestsModule } from '../digests/digests.module';
import { EventsModule } from '../events/events.module';
import { DigestSentWebhooks } from './digest-sent-webhooks';
import { PortalCountersWebhooks } from './portal-counters-webhooks';
import { SecurityEventWebhooks } from './security-event-webhooks';

// Destinations subscribed to message types (until the rules issue lands): a cause of deliveries, beside the pipeline.
@Module({
  imports: [EventsModule, CountersModule, DeliveriesModule, DigestsModule, DigestDataModule, BrandsModule, CustomersModule, TemplatesModule],
  providers: [SecurityEventWebhooks, DigestSentWebhooks, PortalCountersWebhooks],
})
export class EventSubscriptionsModule {}
