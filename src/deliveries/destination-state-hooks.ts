import { Injectable, Logger } from '@nestjs/common';

// What the pipeline learnt about a configured destination's state: disabled on its own (410 Gone, or failing too
// long), or working again after a streak of failures. Causes register (src/notices sends the operator notices); the
// pipeline knows nothing of what they say.
export interface DestinationStateChange {
  change: 'disabled' | 'recovered';
  destinationId: string;
  organizationId: string;
  name: string;
  at: Date;
  reason: string | null; // disabled: gone_410 | failing_since
  failingSince: Date | null;
  failures: number; // failed attempts in the streak
  lastFailure: string | null;
}

export type DestinationStateListener = (c: DestinationStateChange) => Promise<unknown>;

@Injectable()
export class DestinationStateHooks {
  private readonly logger = new Logger('Deliveries');
  private readonly listeners: DestinationStateListener[] = [];

  register(listener: DestinationStateListener): void {
    this.listeners.push(listener);
  }

  // A listener that fails is logged: the send it came from is done either way.
  async emit(c: DestinationStateChange): Promise<void> {
    for (const l of this.listeners) {
      await l(c).catch((err: Error) => this.logger.error(`destination ${c.destinationId} ${c.change}: telling the operator failed: ${err.message}`));
    }
  }
}
