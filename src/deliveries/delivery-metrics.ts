import { Injectable, OnModuleInit } from '@nestjs/common';
import { DestinationsService } from '../destinations/destinations.service';
import { Metrics } from '../metrics/metrics';
import { DeliveryLedger } from './delivery-ledger';

// Undelivered deliveries by destination as gauges, read from PostgreSQL at each scrape (the same on every replica).
@Injectable()
export class DeliveryMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly ledger: DeliveryLedger,
    private readonly destinations: DestinationsService,
  ) {}

  onModuleInit(): void {
    const { deliveriesOldestPending, deliveriesPending, deliveriesHeld, destinationsDisabled } = this.metrics;
    // Disabled destinations by reason; the usual reasons read 0 rather than "no data".
    this.metrics.onScrape('destinations', [destinationsDisabled], async () => {
      const counts = await this.destinations.disabledCounts();
      destinationsDisabled.reset();
      for (const reason of ['manual', 'gone_410', 'failing_since']) destinationsDisabled.set({ reason }, 0);
      for (const c of counts) destinationsDisabled.set({ reason: c.reason }, c.count);
    });
    this.metrics.onScrape('deliveries', [deliveriesOldestPending, deliveriesPending, deliveriesHeld], async () => {
      const unsent = await this.ledger.unsent();
      deliveriesOldestPending.reset();
      deliveriesPending.reset();
      deliveriesHeld.reset();
      // The email destination is always there, so a dashboard's "oldest pending alert mail" reads 0, not "no data".
      if (!unsent.some((u) => u.destination === 'email')) unsent.push({ destination: 'email', count: 0, oldestAgeSeconds: 0, held: 0 });
      for (const u of unsent) {
        deliveriesOldestPending.set({ destination: u.destination }, u.oldestAgeSeconds);
        deliveriesPending.set({ destination: u.destination }, u.count);
        deliveriesHeld.set({ destination: u.destination }, u.held);
      }
    });
  }
}
