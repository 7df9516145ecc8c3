import { Injectable, OnModuleInit } from '@nestjs/common';
import { Database } from '../db/database';
import { Metrics } from '../metrics/metrics';
import { VENDOR_ACCOUNT_STATUSES, VendorAccountStatus } from './vendor-account.entity';
import { PollCursor } from './vendor-connector';
import { VendorConnectors } from './vendor-connectors';
import { AccountHealthRow, isFailing, secondsBetween, vendorHealthReport, VendorHealthReport } from './vendor-health';

// Accounts listed by /health/vendors; the counts cover all of them.
const FAILING_LISTED = 100;

const HEALTH_COLUMNS = `id, organization_id AS "organizationId", vendor, status, enabled, last_error_code AS "lastErrorCode",
  failing_since AS "failingSince", consecutive_failures AS "consecutiveFailures", last_success_at AS "lastSuccessAt",
  created_at AS "createdAt", next_poll_at AS "nextPollAt"`;
const FAILING = `enabled AND status IN ('retrying', 'failing')`;

// Polling as an operator's monitor sees it, across every organization: the /health/vendors view and the per-account
// gauges of /metrics, both read from PostgreSQL when asked, so every replica answers the same.
@Injectable()
export class VendorHealthService implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly connectors: VendorConnectors,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    const m = this.metrics;
    const gauges = [m.vendorAccountStatus, m.vendorSinceSuccess, m.vendorFailingSeconds, m.vendorConsecutiveFailures, m.vendorHighWaterLag];
    this.metrics.onScrape('vendor_accounts', gauges, () => this.refreshGauges());
  }

  async report(minFailingSeconds: number): Promise<VendorHealthReport> {
    const [counts, failing, [{ total }]] = await Promise.all([
      this.db.rows<{ status: VendorAccountStatus; n: number }>(`SELECT status, count(*)::int AS n FROM vendor_accounts GROUP BY status`, []),
      this.db.rows<AccountHealthRow>(
        `SELECT ${HEALTH_COLUMNS} FROM vendor_accounts WHERE ${FAILING}
         ORDER BY COALESCE(failing_since, last_success_at, created_at), id LIMIT ${FAILING_LISTED}`,
        [],
      ),
      this.db.rows<{ total: number }>(`SELECT count(*)::int AS total FROM vendor_accounts WHERE ${FAILING}`, []),
    ]);
    const byStatus = Object.fromEntries(counts.map((c) => [c.status, c.n]));
    return vendorHealthReport({ counts: byStatus, failing, failingTotal: total }, new Date(), minFailingSeconds);
  }

  private async refreshGauges(): Promise<void> {
    const rows = await this.db.rows<AccountHealthRow & { cursor: PollCursor | null; now: Date }>(
      `SELECT ${HEALTH_COLUMNS}, cursor, now() AS now FROM vendor_accounts`,
      [],
    );
    const m = this.metrics;
    for (const g of [m.vendorAccountStatus, m.vendorSinceSuccess, m.vendorFailingSeconds, m.vendorConsecutiveFailures, m.vendorHighWaterLag]) g.reset();
    for (const a of rows) {
      const labels = { account: a.id, vendor: a.vendor };
      for (const status of VENDOR_ACCOUNT_STATUSES) m.vendorAccountStatus.set({ ...labels, status }, a.status === status ? 1 : 0);
      if (!a.enabled) continue;
      const now = a.now;
      m.vendorSinceSuccess.set(labels, secondsBetween(a.lastSuccessAt ?? a.createdAt, now));
      m.vendorFailingSeconds.set(labels, isFailing(a) ? secondsBetween(a.failingSince ?? a.lastSuccessAt ?? a.createdAt, now) : 0);
      m.vendorConsecutiveFailures.set(labels, a.consecutiveFailures);
      const marks = this.connectors.has(a.vendor) ? this.connectors.get(a.vendor).highWaterMarks(a.cursor) : {};
      for (const [resource, mark] of Object.entries(marks)) m.vendorHighWaterLag.set({ ...labels, resource }, Math.max(0, (now.getTime() - mark.getTime()) / 1000));
    }
  }
}
