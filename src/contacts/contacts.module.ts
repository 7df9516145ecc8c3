import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { DestinationsModule } from '../destinations/destinations.module';
import { ContactGroupsController } from './contact-groups.controller';
import { ContactGroupsService } from './contact-groups.service';
import { ContactsController } from './contacts.controller';
import { ContactsService } from './contacts.service';

// People with channels of their own (destinations with contactId), time zones and quiet hours, in groups that a
// rule's action and the organization's notices target. Rules expand their targets in SQL (rules/contact-deliveries.ts).
@Module({
  imports: [CustomersModule, DestinationsModule],
  controllers: [ContactsController, ContactGroupsController],
  providers: [ContactsService, ContactGroupsService],
  exports: [ContactsService, ContactGroupsService],
})
export class ContactsModule {}
