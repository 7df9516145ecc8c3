import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { CustomersModule } from '../customers/customers.module';
import { DigestDataModule } from '../digests/digest-data.module';
import { CustomerPageController } from './customer-page.controller';
import { CustomerPageService } from './customer-page.service';

// The hosted, branded customer page (GET /p/:token) that mails link to when the brand has no portal of its own, and
// the operator's endpoints to issue and revoke its links. The link signer (CustomerPageLinks) is provided by
// DigestDataModule, beside the unsubscribe links, so that every mail builds its links in the same place.
@Module({
  imports: [DigestDataModule, CustomersModule, BrandsModule],
  controllers: [CustomerPageController],
  providers: [CustomerPageService],
})
export class CustomerPageModule {}
