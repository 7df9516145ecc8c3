import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

// The columns of a digest just marked sent that a hook's statement reads (`sent`, one row).
export const SENT_DIGEST_COLUMNS = 'id, organization_id, customer_id, cadence, period_start, period_end, generation, sent_at, counts';

// What other features do when a digest is marked sent (a `digest.sent` webhook message), in the transaction that
// marks it, so that what they write exists if and only if the digest is recorded as sent. Digests know nothing of
// them: features register here (in onModuleInit) and DigestLedger.markSent runs them, as NewEventHooks for events.
export interface DigestSentHook {
  readonly name: string;
  // A data-modifying statement (usable as a CTE) over `sent`, the digest row just marked sent with
  // SENT_DIGEST_COLUMNS. Returns `id`.
  sql(sent: string): string;
  // After the statement, in its transaction, with the ids the statement returned (called only when there are some).
  written(em: EntityManager, ids: string[]): Promise<void>;
}

@Injectable()
export class DigestSentHooks {
  private readonly hooks: DigestSentHook[] = [];

  register(hook: DigestSentHook): void {
    if (this.hooks.some((h) => h.name === hook.name)) throw new Error(`digest-sent hook ${hook.name} is registered twice`);
    this.hooks.push(hook);
  }

  all(): readonly DigestSentHook[] {
    return this.hooks;
  }
}
