import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const REFRESH_TIMEOUT_MS = 3000;

// Prometheus metrics of this process. One registry per instance so tests can boot several apps in one process.
// Counters count what this replica did (sum them over replicas); the gauges filled at scrape time (`onScrape`) are
// read from PostgreSQL and so are the same on every replica (take max, not sum). Names: README "Metrics".
@Injectable()
export class Metrics {
  private readonly logger = new Logger('Metrics');
  readonly registry = new Registry();
  private readonly refreshers: { source: string; gauges: Gauge[]; refresh: () => Promise<void> }[] = [];

  readonly httpDuration = new Histogram({
    name: 'hostdigest_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly jobsTotal = new Counter({
    name: 'hostdigest_jobs_total',
    help: 'Job runs by name and result: done, skipped, retry (failed, tried again later), failed (given up)',
    labelNames: ['job', 'result'],
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'hostdigest_job_duration_seconds',
    help: 'Job handler duration',
    labelNames: ['job'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });

  readonly eventsIngested = new Counter({
    name: 'hostdigest_events_ingested_total',
    help: 'Events stored, by source (vendor kind or push)',
    labelNames: ['source'],
    registers: [this.registry],
  });

  // ---- vendor polling, per vendor account (its id, never its name) ----

  readonly vendorPolls = new Counter({
    name: 'hostdigest_vendor_polls_total',
    help: 'Poll runs by outcome: ok, rate_limited, vendor_error, timeout, auth_failed, contract_error, internal_error',
    labelNames: ['account', 'vendor', 'outcome'],
    registers: [this.registry],
  });

  readonly vendorRecordsRead = new Counter({
    name: 'hostdigest_vendor_records_read_total',
    help: 'Records read from the vendor API (re-reads of the overlap and reconciliation included)',
    labelNames: ['account', 'vendor'],
    registers: [this.registry],
  });

  readonly vendorEventsStored = new Counter({
    name: 'hostdigest_vendor_events_stored_total',
    help: 'New events stored from the vendor (repeats dropped)',
    labelNames: ['account', 'vendor'],
    registers: [this.registry],
  });

  readonly vendorRecordsRejected = new Counter({
    name: 'hostdigest_vendor_records_rejected_total',
    help: 'Vendor records that could not be read, newly stored as rejected',
    labelNames: ['account', 'vendor'],
    registers: [this.registry],
  });

  readonly vendorAccountStatus = this.gauge('hostdigest_vendor_account_status', 'Vendor account status (1 for the current one): pending, ok, retrying, failing, disabled', ['account', 'vendor', 'status']);
  readonly vendorSinceSuccess = this.gauge('hostdigest_vendor_seconds_since_last_success', 'Enabled vendor accounts: seconds since the last successful poll (since creation when there was none)', ['account', 'vendor']);
  readonly vendorFailingSeconds = this.gauge('hostdigest_vendor_failing_seconds', 'Enabled vendor accounts: seconds since the account started failing (0 when it is not)', ['account', 'vendor']);
  readonly vendorConsecutiveFailures = this.gauge('hostdigest_vendor_consecutive_failures', 'Enabled vendor accounts: failed poll runs in a row that made no progress', ['account', 'vendor']);
  readonly vendorHighWaterLag = this.gauge('hostdigest_vendor_high_water_lag_seconds', 'Enabled vendor accounts: how far each resource\'s high-water mark is behind now', ['account', 'vendor', 'resource']);

  // ---- mail ----

  readonly mailSends = new Counter({
    name: 'hostdigest_mail_sends_total',
    help: 'Mail handed to the transport by outcome (sent; retry: a transient failure; failed: refused for good) and failure reason',
    labelNames: ['transport', 'outcome', 'reason'],
    registers: [this.registry],
  });

  readonly digestsOldestPending = this.gauge('hostdigest_digests_oldest_pending_age_seconds', 'Seconds since the oldest digest not yet sent was due (0: none)', []);
  readonly digestsPending = this.gauge('hostdigest_digests_pending', 'Digests not yet sent (pending, rendered, sending, or failed with retries left)', []);
  readonly deliveriesOldestPending = this.gauge('hostdigest_deliveries_oldest_pending_age_seconds', 'Seconds since the oldest delivery not yet delivered was created, by destination (0: none)', ['destination']);
  readonly destinationsDisabled = this.gauge('hostdigest_destinations_disabled', 'Configured destinations that are disabled, by reason (manual, gone_410, failing_since)', ['reason']);
  readonly deliveriesHeld = this.gauge('hostdigest_deliveries_held', 'Deliveries held for a disabled destination (sent when it is enabled again), by destination kind', ['destination']);
  readonly deliveriesPending = this.gauge('hostdigest_deliveries_pending', 'Deliveries not yet delivered (pending, sending, failed with a retry scheduled), by destination', ['destination']);

  readonly scrapeErrors = new Counter({
    name: 'hostdigest_metrics_refresh_errors_total',
    help: 'Scrapes at which the gauges read from PostgreSQL could not be read (they are left out of that scrape)',
    labelNames: ['source'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'hostdigest_' });
  }

  // Gauges a feature fills from PostgreSQL when /metrics is scraped, so that every replica reports the same, right
  // figures. `refresh` resets and sets its gauges; when it fails (or takes too long) they are left empty, not stale.
  onScrape(source: string, gauges: Gauge[], refresh: () => Promise<void>): void {
    this.refreshers.push({ source, gauges, refresh });
  }

  async scrape(): Promise<string> {
    await Promise.all(
      this.refreshers.map(async (r) => {
        try {
          await withTimeout(r.refresh(), REFRESH_TIMEOUT_MS);
        } catch (err) {
          for (const g of r.gauges) g.reset();
          this.scrapeErrors.inc({ source: r.source });
          this.logger.warn(`metrics of ${r.source} not read: ${(err as Error).message}`);
        }
      }),
    );
    return this.registry.metrics();
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
