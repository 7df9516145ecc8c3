import { Injectable, OnModuleInit } from '@nestjs/common';
import { NewEventHooks, NewEventsHook } from '../events/new-event-hooks';
import { rollupUpsertSql } from './counters-sql';

// Keeps the counters' rollup up to date in the statement that stores new events (one data-modifying CTE, a few
// rows per batch: kinds, sites and threats per customer and month), so that the counters are right as soon as
// the events are visible.
@Injectable()
export class CountersRollupHook implements NewEventsHook, OnModuleInit {
  readonly name = 'customer-counters';

  constructor(private readonly hooks: NewEventHooks) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  sql(events: string): string {
    // one row per rollup row written; nothing is done with them
    return `${rollupUpsertSql(events)} RETURNING customer_id AS id`;
  }

  async written(): Promise<void> {}
}
