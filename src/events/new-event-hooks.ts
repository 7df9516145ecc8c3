import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

// The columns of a new event that a hook's statement reads from the rows just inserted.
export const NEW_EVENT_COLUMNS = 'id, kind, customer_id, site_id, severity, threat_name, file_path, process, server, domain, occurred_at';

// What other features do with events stored for the first time (rules, with the customers' urgent alerts; event
// subscriptions; counters), in the transaction that stores them, so that what they write exists if and only if its event was stored.
// Events know nothing of them: features register here (in onModuleInit) and EventStore runs them. Ingestion runs at
// ~12k events/s, so a hook is a data-modifying CTE of the insert statement itself (one statement, no round trip,
// nothing per event in JavaScript), then one call with the ids it wrote, still in the transaction.
export interface NewEventsHook {
  readonly name: string;
  // An INSERT … SELECT (or another data-modifying statement) over `events`, the rows just inserted with
  // NEW_EVENT_COLUMNS; `organizationParam` is the statement's parameter holding the organization id. Returns `id`.
  sql(events: string, organizationParam: string): string;
  // After the statement, in its transaction, with the ids the statement returned (called only when there are some).
  written(em: EntityManager, ids: string[]): Promise<void>;
}

@Injectable()
export class NewEventHooks {
  private readonly hooks: NewEventsHook[] = [];

  register(hook: NewEventsHook): void {
    if (this.hooks.some((h) => h.name === hook.name)) throw new Error(`new-events hook ${hook.name} is registered twice`);
    this.hooks.push(hook);
  }

  all(): readonly NewEventsHook[] {
    return this.hooks;
  }
}
