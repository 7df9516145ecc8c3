import { Injectable } from '@nestjs/common';
import { Destination } from './destination';
import { EmailDestination } from './email.destination';
import { WebhookDestination } from './webhook.destination';

// The adapters by kind. A new target system is one more adapter here.
@Injectable()
export class Destinations {
  private readonly byKind: ReadonlyMap<string, Destination>;

  constructor(email: EmailDestination, webhook: WebhookDestination) {
    this.byKind = new Map([email, webhook].map((d) => [d.kind, d]));
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
