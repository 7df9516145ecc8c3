import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { EventStore } from './event-store';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { PurgeOldEvents } from './purge-events.job';
import { StatsService } from './stats.service';

@Module({
  imports: [CustomersModule, DeliveriesModule],
  controllers: [EventsController],
  providers: [EventStore, EventsService, StatsService, PurgeOldEvents],
  exports: [EventStore, EventsService],
})
export class EventsModule {}
