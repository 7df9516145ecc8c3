import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

// What other features do with events matched to a customer after they were stored (the rematch job, after a site
// was added or changed): rules count them into thresholds and per-site states, but send nothing "new" for them.
// Called in the transaction that matches them, with their ids. Customers know nothing of who registers.
export interface MatchedLaterHook {
  readonly name: string;
  matched(em: EntityManager, organizationId: string, eventIds: string[]): Promise<void>;
}

@Injectable()
export class MatchedLaterHooks {
  private readonly hooks: MatchedLaterHook[] = [];

  register(hook: MatchedLaterHook): void {
    if (this.hooks.some((h) => h.name === hook.name)) throw new Error(`matched-later hook ${hook.name} is registered twice`);
    this.hooks.push(hook);
  }

  async run(em: EntityManager, organizationId: string, eventIds: string[]): Promise<void> {
    if (!eventIds.length) return;
    for (const h of this.hooks) await h.matched(em, organizationId, eventIds);
  }
}
