import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { CustomersService } from '../../customers/customers.service';
import { SitesService } from '../../customers/sites.service';
import { ADVISORY_LOCKS } from '../../db/advisory-locks';
import { Database } from '../../db/database';
import { BootstrapService } from '../../organizations/bootstrap.service';
import { VendorAccountsService } from '../vendor-accounts.service';
import { DEMO_CUSTOMERS } from './demo-estate';

// The embedded default: a fresh install with no vendor account gets the demo estate and a simulator account, so that
// events, digests and rules are visible before any set-up. "auto" does this only on the embedded database and an
// organization that has neither vendor accounts nor customers, so an operator's real data never meets demo data.
@Injectable()
export class SimulatorBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Simulator');

  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly organizations: BootstrapService,
    private readonly accounts: VendorAccountsService,
    private readonly customers: CustomersService,
    private readonly sites: SitesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.simulator === 'off') return;
    // auto: only the zero-configuration install (embedded database); an operator's own PostgreSQL gets no demo data.
    if (this.config.simulator === 'auto' && this.config.database.url) return;
    const org = await this.organizations.ensureDefaultOrganization();
    // Session-level lock, not a transaction: the services below open their own transactions.
    await this.db.withAdvisoryLock(ADVISORY_LOCKS.simulator, async () => {
      const [{ accounts, simulators, customers }] = await this.db.manager.query(
        `SELECT (SELECT count(*)::int FROM vendor_accounts WHERE organization_id = $1) AS accounts,
                (SELECT count(*)::int FROM vendor_accounts WHERE organization_id = $1 AND vendor = 'simulator') AS simulators,
                (SELECT count(*)::int FROM customers WHERE organization_id = $1) AS customers`,
        [org.id],
      );
      if (simulators > 0) return;
      if (this.config.simulator === 'auto' && (accounts > 0 || customers > 0)) return;
      if (customers === 0) await this.createDemoEstate(org.id);
      // Creating it polls at once, so the first page of the API already has events.
      await this.accounts.create(org.id, { vendor: 'simulator', name: 'Simulated vendor (demo)', pollIntervalSeconds: 300 });
      this.logger.log(`created the demo estate (${DEMO_CUSTOMERS.length} customers) and a simulated vendor account; set HOSTDIGEST_SIMULATOR=off to disable`);
    });
  }

  // For the start summary: whether a simulated vendor account is polled (created now or on an earlier start).
  async running(): Promise<boolean> {
    const [{ n }] = await this.db.manager.query(`SELECT count(*)::int AS n FROM vendor_accounts WHERE vendor = 'simulator' AND enabled`);
    return n > 0;
  }

  private async createDemoEstate(organizationId: string): Promise<void> {
    for (const c of DEMO_CUSTOMERS) {
      const customer = await this.customers.create(organizationId, {
        externalRef: c.externalRef,
        name: c.name,
        emails: c.emails,
        locale: c.locale,
        timeZone: c.timeZone,
      });
      for (const s of c.sites) {
        await this.sites.create(organizationId, customer.id, {
          domains: s.domains,
          server: s.server,
          accountUser: s.accountUser,
          vendorSiteIds: [s.vendorSiteId],
        });
      }
    }
  }
}
