import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UrgentKindsHook, UrgentKindsHooks } from '../digests/urgent-kinds-hooks';
import { DEFAULT_DEDUPE_KEY, RuleSpec } from './rule-definition';

export const URGENT_KINDS_MANAGED = 'urgent-kinds';

// The customers' urgentKinds digest setting is served by a rule like any other (one mechanism: evaluated in the
// statement that stores new events, firings, the pipeline, dry-run and history), kept by the service: one per
// organization, whose filter reads each event's customer's own setting, so that one rule serves every customer. No
// group window and no cooldown: one e-mail per urgent event, as the setting promises, never grouped or held back.
export const URGENT_KINDS_RULE: Omit<RuleSpec, 'scope' | 'quietHours'> = {
  name: "Urgent e-mail (customers' urgentKinds)",
  trigger: { type: 'event', filter: { urgentKindsOfCustomer: true } },
  actions: [{ recipients: 'customer', templateKind: 'alert.urgent' }],
  cooldownSeconds: 0,
  groupWindowSeconds: 0,
  dedupeKey: DEFAULT_DEDUPE_KEY,
};

// Created when a customer first marks a kind urgent (a migration created it for the settings that existed), in the
// transaction that saves the setting. The unique (organization, managed) key makes replicas doing it at once end with
// one rule: the second insert waits for the first and does nothing.
@Injectable()
export class UrgentKindsRule implements UrgentKindsHook, OnModuleInit {
  readonly name = 'rules';

  constructor(private readonly hooks: UrgentKindsHooks) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  async urgentKindsSet(em: EntityManager, organizationId: string): Promise<void> {
    const r = URGENT_KINDS_RULE;
    await em.query(
      `INSERT INTO rules (organization_id, name, enabled, trigger_type, trigger, scope, actions, cooldown_seconds, group_window_seconds, dedupe_key, managed)
       VALUES ($1, $2, true, $3, $4, '{}', $5, $6, $7, $8, $9)
       ON CONFLICT (organization_id, managed) WHERE managed IS NOT NULL DO NOTHING`,
      [organizationId, r.name, r.trigger.type, JSON.stringify(r.trigger), JSON.stringify(r.actions), r.cooldownSeconds, r.groupWindowSeconds, r.dedupeKey, URGENT_KINDS_MANAGED],
    );
  }
}
