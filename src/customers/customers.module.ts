import { Module } from '@nestjs/common';
import { CustomerImportService } from './customer-import.service';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';
import { EventMatcher } from './event-matcher';
import { MatchedLaterHooks } from './matched-later-hooks';
import { RematchEventsJob } from './rematch-events.job';
import { SiteKeyStore } from './site-key-store';
import { SitesController } from './sites.controller';
import { SitesService } from './sites.service';

// Customers, their sites, and how events resolve to them (EventMatcher, used by ingestion in its own transaction).
@Module({
  controllers: [CustomersController, SitesController],
  providers: [CustomersService, SitesService, CustomerImportService, SiteKeyStore, MatchedLaterHooks, EventMatcher, RematchEventsJob],
  exports: [CustomersService, SitesService, EventMatcher, MatchedLaterHooks, CustomerImportService],
})
export class CustomersModule {}
