import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DestinationsService } from '../destinations/destinations.service';
import { JobEngine } from '../jobs/job-engine';
import { DeliveryJobs } from './delivery-jobs';
import { DeliveryLedger } from './delivery-ledger';
import { DeliverySender } from './delivery-sender';

// The safety net: a job per released delivery, due this much later, in case this process stops mid-way through.
const FALLBACK_SECONDS = 60;

// While a destination is disabled its deliveries are held (DeliverySender); when it is enabled again they are sent
// one after the other in the order they were written, in the background of the enable call. Each also gets a job
// due a minute later, which finds it done (the claim) unless this process stopped first. A send that fails goes on
// its retry schedule and the next one is sent meanwhile: ordering per destination is best-effort, as with Svix.
@Injectable()
export class HeldDeliveries implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Deliveries');
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly destinations: DestinationsService,
    private readonly ledger: DeliveryLedger,
    private readonly jobs: JobEngine,
    private readonly types: DeliveryJobs,
    private readonly sender: DeliverySender,
  ) {}

  onModuleInit(): void {
    this.destinations.onEnabled(({ id }) => this.release(id));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.running]);
  }

  async release(destinationId: string): Promise<number> {
    const stamp = Date.now();
    const startAfter = new Date(stamp + FALLBACK_SECONDS * 1000);
    const ids = await this.ledger.release(destinationId, (em, ids) =>
      this.jobs.sendMany(this.types.send, ids.map((id) => ({ payload: { deliveryId: id }, dedupeKey: `${id}:released:${stamp}` })), { tx: em, startAfter }),
    );
    if (!ids.length) return 0;
    this.logger.log(`destination ${destinationId} enabled: sending ${ids.length} held deliver${ids.length === 1 ? 'y' : 'ies'}, in order`);
    const run = this.sendInOrder(ids).finally(() => this.running.delete(run));
    this.running.add(run);
    return ids.length;
  }

  private async sendInOrder(ids: string[]): Promise<void> {
    for (const id of ids) {
      try {
        const outcome = await this.sender.send(id);
        if (outcome.status === 'held') return; // disabled again meanwhile: the rest waits too
      } catch (err) {
        this.logger.warn(`held delivery ${id}: ${(err as Error).message}; its job sends it later`);
      }
    }
  }
}
