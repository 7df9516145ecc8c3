import { Injectable, Logger } from '@nestjs/common';

// A vendor account's polling became news for the operator (poll-notice.ts): failing after its retries, or polling
// again after that. Causes of messages register (src/notices); vendors know nothing of who is told or how.
export interface VendorAccountStateChange {
  change: 'failing' | 'recovered';
  vendorAccountId: string;
  organizationId: string;
  vendor: string;
  name: string;
  at: Date;
  failingSince: Date | null; // the streak's start: one notice of each kind per streak
  failures: number;
  errorCode: string | null; // PollErrorClass of the last failed run
  lastError: string | null;
}

export type VendorAccountStateListener = (c: VendorAccountStateChange) => Promise<unknown>;

@Injectable()
export class VendorAccountStateHooks {
  private readonly logger = new Logger('Poll');
  private readonly listeners: VendorAccountStateListener[] = [];

  register(listener: VendorAccountStateListener): void {
    this.listeners.push(listener);
  }

  // A listener that fails is logged: the poll run it came from is over either way.
  async emit(c: VendorAccountStateChange): Promise<void> {
    for (const l of this.listeners) {
      await l(c).catch((err: Error) => this.logger.error(`vendor account ${c.vendorAccountId} ${c.change}: telling the operator failed: ${err.message}`));
    }
  }
}
