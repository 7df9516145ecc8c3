import { CustomersModule } from './customers/customers.module';
import { EventsModule } from './events/events.module';
import { MailModule } from './mail/mail.module';
import { VendorsModule } from './vendors/vendors.module';

// The product's feature modules, in dependency order (each depends only on those above it and on the platform).
export const FEATURE_MODULES = [MailModule, CustomersModule, EventsModule, VendorsModule];
