import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { EventsModule } from '../events/events.module';
import { SecurityEventWebhooks } from './security-event-webhooks';

// Destinations subscribed to message types (until the rules issue lands): a cause of deliveries, beside the pipeline.
@Module({
  imports: [EventsModule, DeliveriesModule],
  providers: [SecurityEventWebhooks],
})
export class EventSubscriptionsModule {}
