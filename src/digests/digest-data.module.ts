import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { CustomersModule } from '../customers/customers.module';
import { DigestData } from './digest-data';
import { DigestSettingsService } from './digest-settings.service';
import { CustomerPageLinks } from './customer-page-links';
import { UnsubscribeLinks } from './unsubscribe-links';
import { UrgentKindsHooks } from './urgent-kinds-hooks';

// What a digest shows (DigestData) and a customer's digest settings, on their own so that other features (the
// customer page, urgent alerts) use them without the digests module.
@Module({
  imports: [CustomersModule, BrandsModule],
  providers: [DigestData, DigestSettingsService, UnsubscribeLinks, CustomerPageLinks, UrgentKindsHooks],
  exports: [DigestData, DigestSettingsService, UnsubscribeLinks, CustomerPageLinks, UrgentKindsHooks],
})
export class DigestDataModule {}
