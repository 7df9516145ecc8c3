import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

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

// em: the transaction that records the change, so that the change and what is written of it commit together.
export type VendorAccountStateListener = (c: VendorAccountStateChange, em: EntityManager) => Promise<unknown>;

@Injectable()
export class VendorAccountStateHooks {
  private readonly listeners: VendorAccountStateListener[] = [];

  register(listener: VendorAccountStateListener): void {
    this.listeners.push(listener);
  }

  // A listener that fails fails the transaction: the change is then not recorded either, and the next run tells it.
  async emit(c: VendorAccountStateChange, em: EntityManager): Promise<void> {
    for (const l of this.listeners) await l(c, em);
  }
}
