import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { CountersController } from './counters.controller';
import { CountersRollupHook } from './counters-rollup-hook';
import { CustomerCounters } from './customer-counters';
import { RebuildStaleCounters } from './rebuild-stale-counters.job';

// A customer's portal counters (GET /v1/customers/:id/counters, the portal.counters webhook): a rollup written by
// the insert of new events (the new-events hook), rebuilt per customer when its events change otherwise.
@Module({
  imports: [EventsModule],
  controllers: [CountersController],
  providers: [CustomerCounters, CountersRollupHook, RebuildStaleCounters],
  exports: [CustomerCounters],
})
export class CountersModule {}
