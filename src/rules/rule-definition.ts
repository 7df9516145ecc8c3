import type { Severity } from '../events/normalized-event';

// A rule as stored (jsonb columns of `rules`) and as the dry-run takes it unsaved. The decision functions beside this
// file read only these shapes, so live evaluation and dry-run decide the same way.

export type GroupBy = 'customer' | 'site' | 'server' | 'organization';
export const GROUP_BYS: readonly GroupBy[] = ['customer', 'site', 'server', 'organization'];

// Every list is "any of"; an absent or empty list matches everything.
export interface RuleFilter {
  kinds?: string[];
  minSeverity?: Severity;
  classifications?: string[];
  threatName?: string; // glob: * any run, ? one character, case-insensitive
  customerIds?: string[];
  siteIds?: string[];
  brandIds?: string[];
  servers?: string[];
  vendorAccountIds?: string[];
  sources?: string[]; // 'va:<id>' or 'push:<name>'
  urgentKindsOfCustomer?: boolean; // the event's kind is one its customer sends at once (digest setting urgentKinds)
}

export type TransitionState = 'infection' | 'protection' | 'agent';
export const TRANSITION_STATES: readonly TransitionState[] = ['infection', 'protection', 'agent'];
// The states each kind moves between (the first is where a site or agent starts).
export const STATE_VALUES: Record<TransitionState, readonly string[]> = {
  infection: ['clean', 'infected'],
  protection: ['protected', 'unprotected'],
  agent: ['reporting', 'stale'],
};

export type RuleTrigger =
  | { type: 'event'; filter?: RuleFilter }
  | { type: 'threshold'; filter?: RuleFilter; count: number; windowSeconds: number; groupBy: GroupBy }
  // `to`: the states whose arrival fires (default: every change); agent staleness needs staleHours. `updates`: while
  // an incident is open, further matching events that leave the state as it is fire as updates of that incident.
  | { type: 'transition'; state: TransitionState; to?: string[]; rollup?: 'site' | 'customer'; staleHours?: number; updates?: boolean; filter?: RuleFilter }
  | { type: 'schedule'; cron: string; timeZone?: string; perCustomer?: boolean };

export type TriggerType = RuleTrigger['type'];

export interface QuietHours {
  start: string; // 'HH:MM' local
  end: string; // 'HH:MM' local; end < start wraps midnight
  timeZone?: string; // default: the customer's zone, else the organization's
  bypassSeverity?: Severity; // at least this severity is sent anyway
}

// One target per action: a configured destination; a contact group (each enabled member's enabled channels, each its
// own delivery); the firing's customer's contacts; or (`recipients: 'customer'`) the firing customer's own e-mail
// recipients, as digests reach them.
export interface RuleAction {
  destinationId?: string;
  contactGroupId?: string;
  contacts?: 'customer';
  recipients?: 'customer';
  templateKind?: string; // email: the template kind rendered through templates/
  params?: Record<string, unknown>; // read by billing/helpdesk adapters (ticket, note, billable item)
}

export interface RuleScope {
  brandIds?: string[];
  customerIds?: string[];
}

export interface RuleSpec {
  name: string;
  trigger: RuleTrigger;
  actions: RuleAction[];
  cooldownSeconds: number;
  groupWindowSeconds: number;
  dedupeKey: string;
  quietHours: QuietHours | null;
  scope: RuleScope;
}

export const DEFAULT_GROUP_WINDOW_SECONDS = 60;
export const DEFAULT_DEDUPE_KEY = '{rule}:{group}:{incident}';
export const GROUP_LIST_LIMIT = 50;
