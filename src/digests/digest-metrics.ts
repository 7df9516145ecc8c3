import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Metrics } from '../metrics/metrics';
import { DigestLedger } from './digest-ledger';

// Unsent digests as gauges, read from PostgreSQL at each scrape (the same on every replica): a transport that
// accepts nothing shows as an oldest-pending age that keeps growing.
@Injectable()
export class DigestMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly ledger: DigestLedger,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const { digestsOldestPending, digestsPending } = this.metrics;
    this.metrics.onScrape('digests', [digestsOldestPending, digestsPending], async () => {
      const unsent = await this.ledger.unsent(this.config.digests.retryLimit);
      digestsOldestPending.set(unsent.oldestAgeSeconds);
      digestsPending.set(unsent.count);
    });
  }
}
