import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { DestinationsModule } from '../destinations/destinations.module';
import { BillingImportController } from './billing-import.controller';
import { BillingImportService } from './billing-import.service';

// Customers from a billing system (WHMCS, Blesta), with a billing destination's credentials.
@Module({
  imports: [CustomersModule, DestinationsModule],
  controllers: [BillingImportController],
  providers: [BillingImportService],
})
export class BillingImportModule {}
