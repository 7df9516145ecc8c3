import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { MailModule } from '../mail/mail.module';
import { TemplatesModule } from '../templates/templates.module';
import { ChannelKindRegistration } from './channels/channel-kind-registration';
import { Destinations } from './destinations';
import { DestinationsController } from './destinations.controller';
import { DestinationsService } from './destinations.service';
import { EmailDestination } from './email.destination';
import { DestinationThreads } from './threads/destination-threads';
import { PgDestinationThreads } from './threads/pg-destination-threads';
import { WebhookDestination } from './webhook.destination';

// Destinations as configured objects (/v1/destinations), and one adapter per kind behind the Destination port; the
// deliveries pipeline sends through Destinations.
@Module({
  imports: [MailModule, CustomersModule, TemplatesModule],
  controllers: [DestinationsController],
  providers: [EmailDestination, WebhookDestination, Destinations, DestinationsService, ChannelKindRegistration, { provide: DestinationThreads, useClass: PgDestinationThreads }],
  exports: [Destinations, DestinationsService, DestinationThreads],
})
export class DestinationsModule {}
