import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { DestinationsModule } from '../destinations/destinations.module';
import { DigestDataModule } from '../digests/digest-data.module';
import { TemplatesModule } from '../templates/templates.module';
import { DeliveryComposer } from './delivery-content';
import { SendDeliveryJob, SweepDeliveriesJob } from './delivery-job-handlers';
import { DeliveryJobs } from './delivery-jobs';
import { DeliveryLedger } from './delivery-ledger';
import { DeliveryMetrics } from './delivery-metrics';
import { DeliverySender } from './delivery-sender';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';
import { UrgentAlerts } from './urgent-alerts';

// The one outbound pipeline: a delivery row written in the transaction of its cause → a job → the destination adapter
// → the attempt log → retries on a schedule; replayable by the operator. UrgentAlerts writes the deliveries of
// urgent events inside ingestion (EventStore).
@Module({
  imports: [DigestDataModule, BrandsModule, TemplatesModule, DestinationsModule],
  controllers: [DeliveriesController],
  providers: [DeliveryJobs, DeliveryLedger, DeliveryComposer, DeliverySender, DeliveriesService, UrgentAlerts, SendDeliveryJob, SweepDeliveriesJob, DeliveryMetrics],
  exports: [UrgentAlerts],
})
export class DeliveriesModule {}
