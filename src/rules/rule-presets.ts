import { NotFoundError } from '../errors/domain-error';

// The common recipes. A preset is only a starting body: POST /v1/rules {preset, ...overrides} merges the overrides
// over it (trigger settings one level deep) and the result is checked and stored as a normal rule; it keeps the
// preset's name for reference only.
export interface RulePreset {
  id: string;
  description: string;
  body: Record<string, unknown>; // without actions (the caller names the destination), unless its target is implied
}

const DAY = 86_400;

export const RULE_PRESETS: readonly RulePreset[] = [
  {
    id: 'ticket-malicious-process-killed',
    description: 'Open a support ticket when a high-risk malicious process is terminated',
    body: { name: 'Ticket: malicious process killed', trigger: { type: 'event', filter: { kinds: ['process_killed'], minSeverity: 'high' } } },
  },
  {
    id: 'upsell-cleanups',
    description: 'WHMCS/Blesta upsell at 10 or more cleanups in 30 days per customer',
    body: { name: 'Upsell: 10 cleanups in 30 days', trigger: { type: 'threshold', filter: { kinds: ['cleanup'] }, count: 10, windowSeconds: 30 * DAY, groupBy: 'customer' }, groupWindowSeconds: 0, cooldownSeconds: 30 * DAY },
  },
  {
    id: 'monthly-portal-counters',
    description: "Each customer's previous month's counters to the portal on the 1st at 09:00 local time",
    body: { name: 'Monthly counters', trigger: { type: 'schedule', cron: '0 9 1 * *', perCustomer: true }, groupWindowSeconds: 0 },
  },
  {
    id: 'oncall-mass-infection',
    description: 'Page on-call when 20 or more detections arrive within an hour across the organization',
    body: { name: 'On-call: mass infection', trigger: { type: 'threshold', filter: { kinds: ['detection'] }, count: 20, windowSeconds: 3600, groupBy: 'organization' }, groupWindowSeconds: 0 },
  },
  {
    id: 'site-infected-clean',
    description: "Site infected, and site clean again, to the customer's portal",
    body: { name: 'Site infected / clean again', trigger: { type: 'transition', state: 'infection', rollup: 'site' } },
  },
  {
    // With a WHMCS, Blesta or helpdesk destination: the opening opens the ticket, more detections on the infected site
    // reply to it (a burst within the group window is one reply), the recovery closes it.
    id: 'ticket-per-infected-site',
    description: 'One ticket per infected site: opened on infection, a reply for more detections, closed when the site is clean again',
    body: {
      name: 'Ticket per infected site', trigger: { type: 'transition', state: 'infection', rollup: 'site', updates: true }, groupWindowSeconds: 300,
    },
  },
  {
    id: 'agent-stale',
    description: 'An agent has not reported for 6 hours (and when it is back)',
    body: { name: 'Agent stale for 6 hours', trigger: { type: 'transition', state: 'agent', staleHours: 6 }, groupWindowSeconds: 0 },
  },
  {
    id: 'urgent-critical-email',
    description: 'Urgent e-mail for critical detections',
    body: { name: 'Urgent: critical detection', trigger: { type: 'event', filter: { kinds: ['detection'], minSeverity: 'critical' } }, quietHours: null },
  },
  {
    // Per customer: digest only (no such rule), or also this; their contacts' quiet hours hold it unless they bypass.
    id: 'customer-contacts-urgent',
    description: "An immediate message on the customer's own contacts' channels for each high or critical event (besides the digest)",
    body: {
      name: "Urgent: the customer's contacts", trigger: { type: 'event', filter: { minSeverity: 'high' } }, actions: [{ contacts: 'customer' }], groupWindowSeconds: 0,
    },
  },
];

export function presetBody(id: string, overrides: Record<string, unknown>): Record<string, unknown> {
  const p = RULE_PRESETS.find((x) => x.id === id);
  if (!p) throw new NotFoundError('rule preset', id);
  const trigger = overrides.trigger && typeof overrides.trigger === 'object' ? { ...(p.body.trigger as object), ...(overrides.trigger as object) } : p.body.trigger;
  return { ...p.body, ...overrides, trigger };
}
