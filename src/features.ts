import { AdminModule } from './admin/admin.module';
import { BillingImportModule } from './billing-import/billing-import.module';
import { BrandsModule } from './brands/brands.module';
import { CustomerPageModule } from './customer-page/customer-page.module';
import { CountersModule } from './counters/counters.module';
import { CustomersModule } from './customers/customers.module';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { DigestsModule } from './digests/digests.module';
import { EventSubscriptionsModule } from './event-subscriptions/event-subscriptions.module';
import { EventsModule } from './events/events.module';
import { MailModule } from './mail/mail.module';
import { ContactsModule } from './contacts/contacts.module';
import { NoticesModule } from './notices/notices.module';
import { RulesModule } from './rules/rules.module';
import { TemplatesModule } from './templates/templates.module';
import { VendorsModule } from './vendors/vendors.module';

// The product's feature modules, in dependency order (each depends only on those above it and on the platform).
export const FEATURE_MODULES = [MailModule, CustomersModule, BrandsModule, TemplatesModule, DeliveriesModule, EventsModule, CountersModule, DigestsModule, EventSubscriptionsModule, RulesModule, ContactsModule, NoticesModule, CustomerPageModule, VendorsModule, BillingImportModule, AdminModule];
