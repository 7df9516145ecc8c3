import { Injectable } from '@nestjs/common';
import { HttpClient } from '../http/http-client';
import { BILLING_ADAPTERS } from './billing/billing.destination';
import { CHANNEL_ADAPTERS } from './channels/channel-adapters';
import { Destination } from './destination';
import { EmailDestination } from './email.destination';
import { HELPDESK_ADAPTERS } from './helpdesks/helpdesk-adapters';
import { DestinationThreads } from './threads/destination-threads';
import { WebhookDestination } from './webhook.destination';

// The adapters by kind. A new channel is one more adapter in channels/channel-adapters.ts, beside its spec in
// channels/channel-kinds.ts; every adapter is built the same way (DestinationAdapterClass: the one HttpClient and the
// thread store).
@Injectable()
export class Destinations {
  private readonly byKind: ReadonlyMap<string, Destination>;

  constructor(email: EmailDestination, webhook: WebhookDestination, http: HttpClient, threads: DestinationThreads) {
    this.byKind = new Map([email, webhook, ...[...CHANNEL_ADAPTERS, ...BILLING_ADAPTERS, ...HELPDESK_ADAPTERS].map((A) => new A(http, threads))].map((d) => [d.kind, d]));
  }

  get(kind: string): Destination | null {
    return this.byKind.get(kind) ?? null;
  }

  get kinds(): string[] {
    return [...this.byKind.keys()];
  }

  // The kinds whose interrupted sends may be resent automatically (Destination.resendsInterrupted).
  get resendableKinds(): string[] {
    return [...this.byKind.values()].filter((d) => d.resendsInterrupted).map((d) => d.kind);
  }
}
