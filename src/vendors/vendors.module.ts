import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { EventsModule } from '../events/events.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { MonarxConnector } from './monarx/monarx-connector';
import { PollVendorAccountJob, SchedulePollsJob } from './poll-vendor-account.job';
import { PollService } from './poll.service';
import { SimulatorBootstrap } from './simulator/simulator-bootstrap';
import { SimulatorConnector } from './simulator/simulator-connector';
import { VendorAccountsController } from './vendor-accounts.controller';
import { VendorAccountsService } from './vendor-accounts.service';
import { VendorConnectors } from './vendor-connectors';
import { VendorAccountStateHooks } from './vendor-account-state-hooks';
import { VendorHealthService } from './vendor-health.service';

@Module({
  imports: [EventsModule, CustomersModule, OrganizationsModule],
  controllers: [VendorAccountsController],
  providers: [MonarxConnector, SimulatorConnector, VendorConnectors, VendorAccountsService, PollService, VendorAccountStateHooks, PollVendorAccountJob, SchedulePollsJob, SimulatorBootstrap, VendorHealthService],
  exports: [VendorAccountsService, PollService, VendorHealthService, VendorAccountStateHooks],
})
export class VendorsModule {}
