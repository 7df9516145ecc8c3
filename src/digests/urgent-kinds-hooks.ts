import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

// What other features do when a customer marks some kinds urgent (rules keep the rule that sends them), in the
// transaction that saves the setting, so that the setting never exists without what serves it. Digests know nothing
// of them: features register here (in onModuleInit), as on NewEventHooks.
export interface UrgentKindsHook {
  readonly name: string;
  urgentKindsSet(em: EntityManager, organizationId: string): Promise<void>;
}

@Injectable()
export class UrgentKindsHooks {
  private readonly hooks: UrgentKindsHook[] = [];

  register(hook: UrgentKindsHook): void {
    if (this.hooks.some((h) => h.name === hook.name)) throw new Error(`urgent-kinds hook ${hook.name} is registered twice`);
    this.hooks.push(hook);
  }

  all(): readonly UrgentKindsHook[] {
    return this.hooks;
  }
}
