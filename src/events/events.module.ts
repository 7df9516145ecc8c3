import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { EventStore } from './event-store';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { NewEventHooks } from './new-event-hooks';
import { PurgeOldEvents } from './purge-events.job';
import { StatsService } from './stats.service';

@Module({
  imports: [CustomersModule],
  controllers: [EventsController],
  providers: [EventStore, EventsService, StatsService, PurgeOldEvents, NewEventHooks],
  exports: [EventStore, EventsService, NewEventHooks, StatsService],
})
export class EventsModule {}
