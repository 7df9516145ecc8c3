import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { ContactsModule } from '../contacts/contacts.module';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { DestinationsModule } from '../destinations/destinations.module';
import { VendorsModule } from '../vendors/vendors.module';
import { DestinationTestsController } from './destination-tests.controller';
import { DestinationNotices } from './destination-notices';
import { DestinationTestsService } from './destination-tests.service';
import { NoticeRecipients } from './notice-recipients';
import { TestMessageComposer } from './test-message.composer';
import { VendorAccountNotices } from './vendor-account-notices';

// Messages about destinations themselves (a cause of deliveries, beside the pipeline): the operator's test message
// and the pipeline's notices (destination disabled / recovered, vendor account failing / recovered).
@Module({
  imports: [DeliveriesModule, DestinationsModule, BrandsModule, ContactsModule, VendorsModule],
  controllers: [DestinationTestsController],
  providers: [DestinationTestsService, TestMessageComposer, DestinationNotices, NoticeRecipients, VendorAccountNotices],
})
export class NoticesModule {}
