import { Injectable, OnModuleInit } from '@nestjs/common';
import { Metrics } from '../metrics/metrics';
import { DeliveryLedger } from './delivery-ledger';

// Undelivered deliveries by destination as gauges, read from PostgreSQL at each scrape (the same on every replica).
@Injectable()
export class DeliveryMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly ledger: DeliveryLedger,
  ) {}

  onModuleInit(): void {
    const { deliveriesOldestPending, deliveriesPending } = this.metrics;
    this.metrics.onScrape('deliveries', [deliveriesOldestPending, deliveriesPending], async () => {
      const unsent = await this.ledger.unsent();
      deliveriesOldestPending.reset();
      deliveriesPending.reset();
      // The email destination is always there, so a dashboard's "oldest pending alert mail" reads 0, not "no data".
      if (!unsent.some((u) => u.destination === 'email')) unsent.push({ destination: 'email', count: 0, oldestAgeSeconds: 0 });
      for (const u of unsent) {
        deliveriesOldestPending.set({ destination: u.destination }, u.oldestAgeSeconds);
        deliveriesPending.set({ destination: u.destination }, u.count);
      }
    });
  }
}
