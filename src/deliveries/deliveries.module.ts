import { Module } from '@nestjs/common';
import { DestinationsModule } from '../destinations/destinations.module';
import { DeliveryComposers } from './delivery-composers';
import { SendDeliveryJob, SweepDeliveriesJob } from './delivery-job-handlers';
import { DeliveryJobs } from './delivery-jobs';
import { DeliveryLedger } from './delivery-ledger';
import { DeliveryMetrics } from './delivery-metrics';
import { DeliveryOutbox } from './delivery-outbox';
import { DeliveryRateLimit } from './delivery-rate-limit';
import { DeliverySender } from './delivery-sender';
import { HeldDeliveries } from './held-deliveries';
import { DestinationStateHooks } from './destination-state-hooks';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';
import { DestinationReplay } from './destination-replay';
import { DestinationReplayController } from './destination-replay.controller';

// The one outbound pipeline: a delivery row written in the transaction of its cause → a job → the destination adapter
// → the attempt log → retries on a schedule; replayable by the operator. It knows nothing of why it sends: causes
// (rules, event subscriptions, notices) write rows through DeliveryOutbox and register the composer of their content with DeliveryComposers.
@Module({
  imports: [DestinationsModule],
  controllers: [DeliveriesController, DestinationReplayController],
  providers: [DeliveryJobs, DeliveryLedger, DeliveryComposers, DeliveryOutbox, DeliverySender, DeliveriesService, SendDeliveryJob, SweepDeliveriesJob, DeliveryMetrics, DestinationReplay, DeliveryRateLimit, HeldDeliveries, DestinationStateHooks],
  exports: [DeliveryOutbox, DeliveryComposers, DeliverySender, DeliveriesService, DestinationStateHooks],
})
export class DeliveriesModule {}
