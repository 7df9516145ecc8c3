import { ValidationError } from '../errors/domain-error';
import { EVENT_KINDS, SEVERITIES } from '../events/normalized-event';
import { CronError, isHhMm, isTimeZone, nextCronRun } from './local-time';
import {
  DEFAULT_DEDUPE_KEY, DEFAULT_GROUP_WINDOW_SECONDS, GROUP_BYS, QuietHours, RuleAction, RuleFilter, RuleScope, RuleSpec, RuleTrigger,
  STATE_VALUES, TRANSITION_STATES, TriggerType,
} from './rule-definition';
import { handlebarsRoots, keyVariables, unknownVariable } from './trigger-variables';

// A rule as posted, checked into a RuleSpec before anything is stored: a 400 naming the field for anything that
// cannot work. Pure; what needs the database (destinations and customers of the organization) is checked by the service.

type Obj = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_SECONDS = 366 * 86_400;
const TRIGGERS: readonly TriggerType[] = ['event', 'threshold', 'transition', 'schedule'];

const fail = (field: string, message: string): never => {
  throw new ValidationError(field, `${field} ${message}`);
};
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function obj(v: unknown, field: string, known: readonly string[]): Obj {
  if (!isObj(v)) fail(field, 'must be an object');
  const o = v as Obj;
  const unknown = Object.keys(o).find((k) => !known.includes(k));
  if (unknown) fail(`${field}.${unknown}`, `is not a setting here (${known.join(', ')})`);
  return o;
}

function int(v: unknown, field: string, min: number, max: number, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(field, `must be a whole number from ${min} to ${max}`);
  return v as number;
}

function list(v: unknown, field: string, check?: (s: string) => boolean, what = 'a value'): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > 1000) fail(field, 'must be a list of at most 1000 strings');
  const arr = v as unknown[];
  const bad = arr.findIndex((s) => typeof s !== 'string' || s.length === 0 || s.length > 500 || (check && !check(s)));
  if (bad >= 0) fail(`${field}[${bad}]`, `is not ${what}`);
  return arr.length ? [...new Set(arr as string[])] : undefined;
}

const oneOf = <T extends string>(values: readonly T[]) => (s: string) => (values as readonly string[]).includes(s);
const uuid = (s: string) => UUID.test(s);

export function checkFilter(v: unknown, field: string): RuleFilter | undefined {
  if (v === undefined) return undefined;
  const f = obj(v, field, ['kinds', 'minSeverity', 'classifications', 'threatName', 'customerIds', 'siteIds', 'brandIds', 'servers', 'vendorAccountIds', 'sources', 'urgentKindsOfCustomer']);
  const out: RuleFilter = {
    kinds: list(f.kinds, `${field}.kinds`, oneOf(EVENT_KINDS), `an event kind (${EVENT_KINDS.join(', ')})`),
    classifications: list(f.classifications, `${field}.classifications`),
    customerIds: list(f.customerIds, `${field}.customerIds`, uuid, 'a customer id'),
    siteIds: list(f.siteIds, `${field}.siteIds`, uuid, 'a site id'),
    brandIds: list(f.brandIds, `${field}.brandIds`, uuid, 'a brand id'),
    servers: list(f.servers, `${field}.servers`),
    vendorAccountIds: list(f.vendorAccountIds, `${field}.vendorAccountIds`, uuid, 'a vendor account id'),
    sources: list(f.sources, `${field}.sources`, (s) => /^(va|push):/.test(s), "a source ('va:<vendor account id>' or 'push:<name>')"),
  };
  if (f.minSeverity !== undefined) {
    if (!oneOf(SEVERITIES)(String(f.minSeverity))) fail(`${field}.minSeverity`, `must be one of ${SEVERITIES.join(', ')}`);
    out.minSeverity = f.minSeverity as RuleFilter['minSeverity'];
  }
  if (f.threatName !== undefined) {
    if (typeof f.threatName !== 'string' || !f.threatName || f.threatName.length > 500) fail(`${field}.threatName`, 'must be a glob of 1 to 500 characters');
    out.threatName = f.threatName as string;
  }
  if (f.urgentKindsOfCustomer !== undefined) {
    if (typeof f.urgentKindsOfCustomer !== 'boolean') fail(`${field}.urgentKindsOfCustomer`, 'must be true or false');
    if (f.urgentKindsOfCustomer) out.urgentKindsOfCustomer = true;
  }
  for (const k of Object.keys(out) as (keyof RuleFilter)[]) if (out[k] === undefined) delete out[k];
  return out;
}

export function checkTrigger(v: unknown): RuleTrigger {
  if (!isObj(v)) return fail('trigger', 'must be an object with a type');
  const type = v.type as TriggerType;
  if (!TRIGGERS.includes(type)) fail('trigger.type', `must be one of ${TRIGGERS.join(', ')}`);
  switch (type) {
    case 'event': {
      const t = obj(v, 'trigger', ['type', 'filter']);
      return { type, filter: checkFilter(t.filter, 'trigger.filter') };
    }
    case 'threshold': {
      const t = obj(v, 'trigger', ['type', 'filter', 'count', 'windowSeconds', 'groupBy']);
      if (t.windowSeconds === undefined) fail('trigger.windowSeconds', 'is required: a threshold counts events within a rolling window');
      if (t.count === undefined) fail('trigger.count', 'is required: the number of events that fires the threshold');
      const groupBy = (t.groupBy ?? 'customer') as (typeof GROUP_BYS)[number];
      if (!GROUP_BYS.includes(groupBy)) fail('trigger.groupBy', `must be one of ${GROUP_BYS.join(', ')}`);
      return {
        type, filter: checkFilter(t.filter, 'trigger.filter'), groupBy,
        count: int(t.count, 'trigger.count', 1, 1_000_000), windowSeconds: int(t.windowSeconds, 'trigger.windowSeconds', 60, MAX_SECONDS),
      };
    }
    case 'transition': {
      const t = obj(v, 'trigger', ['type', 'state', 'to', 'rollup', 'staleHours', 'updates', 'filter']);
      const state = t.state as (typeof TRANSITION_STATES)[number];
      if (!TRANSITION_STATES.includes(state)) fail('trigger.state', `must be one of ${TRANSITION_STATES.join(', ')}`);
      const rollup = (t.rollup ?? 'site') as 'site' | 'customer';
      if (!['site', 'customer'].includes(rollup)) fail('trigger.rollup', 'must be site or customer');
      const out: RuleTrigger = { type, state, rollup, to: list(t.to, 'trigger.to', oneOf(STATE_VALUES[state]), `a ${state} state (${STATE_VALUES[state].join(', ')})`) };
      if (state === 'agent') {
        if (t.staleHours === undefined) fail('trigger.staleHours', 'is required: the hours of silence after which an agent is stale');
        out.staleHours = int(t.staleHours, 'trigger.staleHours', 1, 24 * 90);
      } else if (t.staleHours !== undefined) fail('trigger.staleHours', 'applies to the agent state only');
      if (t.updates !== undefined) {
        if (typeof t.updates !== 'boolean') fail('trigger.updates', 'must be true or false');
        // an agent leaves the stale state with any sign of life: there is nothing that could update its incident
        if (t.updates && state === 'agent') fail('trigger.updates', 'applies to the infection and protection states only');
        if (t.updates) out.updates = true;
      }
      const filter = checkFilter(t.filter, 'trigger.filter');
      if (filter) out.filter = filter;
      if (!out.to) delete out.to;
      return out;
    }
    case 'schedule': {
      const t = obj(v, 'trigger', ['type', 'cron', 'timeZone', 'perCustomer']);
      if (typeof t.cron !== 'string' || t.cron.length > 200) fail('trigger.cron', 'must be a cron expression (minute hour day month weekday)');
      if (t.timeZone !== undefined && (typeof t.timeZone !== 'string' || !isTimeZone(t.timeZone))) fail('trigger.timeZone', 'must be an IANA time zone');
      try {
        nextCronRun(t.cron as string, (t.timeZone as string) ?? 'UTC', new Date());
      } catch (err) {
        if (err instanceof CronError) fail('trigger.cron', `is not a cron expression that can run: ${err.message}`);
        throw err;
      }
      if (t.perCustomer !== undefined && typeof t.perCustomer !== 'boolean') fail('trigger.perCustomer', 'must be true or false');
      const out: RuleTrigger = { type, cron: t.cron as string, perCustomer: (t.perCustomer as boolean | undefined) ?? true };
      if (t.timeZone !== undefined) out.timeZone = t.timeZone as string;
      return out;
    }
  }
  return fail('trigger.type', `must be one of ${TRIGGERS.join(', ')}`);
}

function checkQuietHours(v: unknown): QuietHours | null {
  if (v === undefined || v === null) return null;
  const q = obj(v, 'quietHours', ['start', 'end', 'timeZone', 'bypassSeverity']);
  if (!isHhMm(q.start)) fail('quietHours.start', 'must be a local time HH:MM');
  if (!isHhMm(q.end)) fail('quietHours.end', 'must be a local time HH:MM');
  if (q.start === q.end) fail('quietHours.end', 'must differ from the start');
  const out: QuietHours = { start: q.start as string, end: q.end as string };
  if (q.timeZone !== undefined) {
    if (typeof q.timeZone !== 'string' || !isTimeZone(q.timeZone)) fail('quietHours.timeZone', 'must be an IANA time zone');
    out.timeZone = q.timeZone as string;
  }
  if (q.bypassSeverity !== undefined) {
    if (!oneOf(SEVERITIES)(String(q.bypassSeverity))) fail('quietHours.bypassSeverity', `must be one of ${SEVERITIES.join(', ')}`);
    out.bypassSeverity = q.bypassSeverity as QuietHours['bypassSeverity'];
  }
  return out;
}

// Strings in an action's parameters are Handlebars templates over what the trigger provides.
function checkParams(v: unknown, field: string, type: TriggerType): Record<string, unknown> | undefined {
  if (v === undefined) return undefined;
  if (!isObj(v) || JSON.stringify(v).length > 20_000) fail(field, 'must be an object of at most 20000 characters');
  const walk = (x: unknown, path: string): void => {
    if (typeof x === 'string') {
      const bad = unknownVariable(type, handlebarsRoots(x));
      if (bad) fail(path, `uses {{${bad}}}, which a ${type} trigger does not provide`);
    } else if (Array.isArray(x)) x.forEach((y, i) => walk(y, `${path}[${i}]`));
    else if (isObj(x)) for (const [k, y] of Object.entries(x)) walk(y, `${path}.${k}`);
  };
  walk(v, field);
  return v as Record<string, unknown>;
}

function checkActions(v: unknown, type: TriggerType): RuleAction[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > 20) fail('actions', 'must list 1 to 20 actions');
  return (v as unknown[]).map((raw, i) => {
    const a = obj(raw, `actions[${i}]`, ['destinationId', 'contactGroupId', 'contacts', 'recipients', 'templateKind', 'params']);
    const out = checkActionTarget(a, `actions[${i}]`);
    if (a.templateKind !== undefined) {
      if (typeof a.templateKind !== 'string' || !/^[a-z][a-z0-9_.-]{0,99}$/.test(a.templateKind)) fail(`actions[${i}].templateKind`, 'must be a template kind');
      out.templateKind = a.templateKind as string;
    }
    const params = checkParams(a.params, `actions[${i}].params`, type);
    if (params) out.params = params;
    return out;
  });
}

// Exactly one target: destinationId, contactGroupId, contacts: 'customer' or recipients: 'customer'.
function checkActionTarget(a: Obj, field: string): RuleAction {
  const given = ['destinationId', 'contactGroupId', 'contacts', 'recipients'].filter((k) => a[k] !== undefined);
  if (given.length !== 1) fail(field, `must name one target: destinationId, contactGroupId, contacts: 'customer' or recipients: 'customer'${given.length > 1 ? ` (not ${given.join(' and ')})` : ''}`);
  if (a.recipients !== undefined) {
    if (a.recipients !== 'customer') fail(`${field}.recipients`, "must be 'customer' (the customer's own e-mail recipients)");
    return { recipients: 'customer' };
  }
  if (a.contacts !== undefined) {
    if (a.contacts !== 'customer') fail(`${field}.contacts`, "must be 'customer' (the firing's customer's contacts)");
    return { contacts: 'customer' };
  }
  if (a.contactGroupId !== undefined) {
    if (typeof a.contactGroupId !== 'string' || !UUID.test(a.contactGroupId)) fail(`${field}.contactGroupId`, 'must be the id of a contact group');
    return { contactGroupId: a.contactGroupId as string };
  }
  if (typeof a.destinationId !== 'string' || !UUID.test(a.destinationId)) fail(`${field}.destinationId`, 'must be the id of a destination');
  return { destinationId: a.destinationId as string };
}

// The customer's recipients read one of the two e-mail kinds a rule sends; alert.urgent describes one event, so its
// rule fires once per event and sends each firing on its own (an event trigger, no group window, no quiet hours).
function checkRecipientActions(actions: RuleAction[], type: TriggerType, groupWindowSeconds: number, quietHours: QuietHours | null): void {
  actions.forEach((a, i) => {
    if (a.recipients !== 'customer' || a.templateKind === undefined || a.templateKind === 'rule.fired') return;
    if (a.templateKind !== 'alert.urgent') fail(`actions[${i}].templateKind`, "for the customer's recipients must be rule.fired or alert.urgent");
    if (type !== 'event') fail(`actions[${i}].templateKind`, 'alert.urgent describes one event: it needs an event trigger');
    if (groupWindowSeconds !== 0) fail(`actions[${i}].templateKind`, 'alert.urgent describes one event: it needs groupWindowSeconds 0');
    if (quietHours) fail(`actions[${i}].templateKind`, 'alert.urgent describes one event: quiet hours would hold several in one message');
  });
}

function checkScope(v: unknown): RuleScope {
  if (v === undefined || v === null) return {};
  const s = obj(v, 'scope', ['brandIds', 'customerIds']);
  const out: RuleScope = {};
  const brandIds = list(s.brandIds, 'scope.brandIds', uuid, 'a brand id');
  const customerIds = list(s.customerIds, 'scope.customerIds', uuid, 'a customer id');
  if (brandIds) out.brandIds = brandIds;
  if (customerIds) out.customerIds = customerIds;
  return out;
}

export const RULE_FIELDS = ['name', 'trigger', 'actions', 'cooldownSeconds', 'groupWindowSeconds', 'dedupeKey', 'quietHours', 'scope', 'enabled'] as const;

export function checkRule(body: unknown): RuleSpec & { enabled: boolean } {
  const b = obj(body, 'body', [...RULE_FIELDS]);
  if (typeof b.name !== 'string' || !b.name.trim() || b.name.length > 200) fail('name', 'must be 1 to 200 characters');
  const trigger = checkTrigger(b.trigger);
  const dedupeKey = b.dedupeKey ?? DEFAULT_DEDUPE_KEY;
  if (typeof dedupeKey !== 'string' || !dedupeKey || dedupeKey.length > 300) fail('dedupeKey', 'must be a template of 1 to 300 characters');
  const badKey = unknownVariable(trigger.type, keyVariables(dedupeKey as string));
  if (badKey) fail('dedupeKey', `uses {${badKey}}, which a ${trigger.type} trigger does not provide`);
  if (b.enabled !== undefined && typeof b.enabled !== 'boolean') fail('enabled', 'must be true or false');
  const actions = checkActions(b.actions, trigger.type);
  const groupWindowSeconds = int(b.groupWindowSeconds, 'groupWindowSeconds', 0, 86_400, DEFAULT_GROUP_WINDOW_SECONDS);
  const quietHours = checkQuietHours(b.quietHours);
  checkRecipientActions(actions, trigger.type, groupWindowSeconds, quietHours);
  return {
    name: (b.name as string).trim(),
    trigger,
    actions,
    cooldownSeconds: int(b.cooldownSeconds, 'cooldownSeconds', 0, MAX_SECONDS, 0),
    groupWindowSeconds,
    dedupeKey: dedupeKey as string,
    quietHours,
    scope: checkScope(b.scope),
    enabled: (b.enabled as boolean | undefined) ?? true,
  };
}
