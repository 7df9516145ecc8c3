import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { Destinations } from './destinations';
import { EmailDestination } from './email.destination';

// One adapter per target system behind the Destination port; the deliveries pipeline sends through Destinations.
@Module({
  imports: [MailModule],
  providers: [EmailDestination, Destinations],
  exports: [Destinations],
})
export class DestinationsModule {}
