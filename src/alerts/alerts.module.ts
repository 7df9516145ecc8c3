import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { DigestDataModule } from '../digests/digest-data.module';
import { EventsModule } from '../events/events.module';
import { TemplatesModule } from '../templates/templates.module';
import { UrgentAlertComposer } from './urgent-alert-composer';
import { UrgentAlerts } from './urgent-alerts';

// Urgent alerts: a cause of deliveries. Writes them on the hook of new events (inside ingestion) and composes their
// content through templates/ for the pipeline, which knows neither.
@Module({
  imports: [EventsModule, DeliveriesModule, DigestDataModule, BrandsModule, TemplatesModule],
  providers: [UrgentAlerts, UrgentAlertComposer],
})
export class AlertsModule {}
