import { ValidationError } from '../errors/domain-error';
import { checkRule } from './rule-check';
import { presetBody, RULE_PRESETS } from './rule-presets';
import { URGENT_KINDS_RULE } from './urgent-kinds-rule';

const D = '11111111-1111-4111-8111-111111111111';
const base = { name: 'r', trigger: { type: 'event' }, actions: [{ destinationId: D }] };

function fieldOf(body: unknown): string | undefined {
  try {
    checkRule(body);
  } catch (err) {
    if (err instanceof ValidationError) return err.field;
    throw err;
  }
  return undefined;
}

describe('checkRule', () => {
  it('fills the defaults: group window 60 s, no cooldown, the rule+group+incident dedupe key, enabled', () => {
    expect(checkRule(base)).toMatchObject({ groupWindowSeconds: 60, cooldownSeconds: 0, dedupeKey: '{rule}:{group}:{incident}', enabled: true, quietHours: null, scope: {} });
  });

  it('refuses a threshold without a window or a count, naming the field', () => {
    expect(fieldOf({ ...base, trigger: { type: 'threshold', count: 10 } })).toBe('trigger.windowSeconds');
    expect(fieldOf({ ...base, trigger: { type: 'threshold', windowSeconds: 3600 } })).toBe('trigger.count');
    expect(fieldOf({ ...base, trigger: { type: 'threshold', count: 10, windowSeconds: 3600, groupBy: 'planet' } })).toBe('trigger.groupBy');
  });

  it('refuses a template variable the trigger does not provide', () => {
    expect(fieldOf({ ...base, dedupeKey: '{rule}:{count}' })).toBe('dedupeKey');
    expect(fieldOf({ ...base, actions: [{ destinationId: D, params: { subject: 'Cleanups: {{count}}' } }] })).toBe('actions[0].params.subject');
    expect(fieldOf({ ...base, trigger: { type: 'threshold', count: 3, windowSeconds: 3600 }, actions: [{ destinationId: D, params: { subject: 'Cleanups: {{count}}' } }] })).toBeUndefined();
  });

  it('names bad filters, transitions, schedules, quiet hours and actions', () => {
    expect(fieldOf({ ...base, trigger: { type: 'event', filter: { kinds: ['detection', 'nope'] } } })).toBe('trigger.filter.kinds[1]');
    expect(fieldOf({ ...base, trigger: { type: 'event', filter: { minSeverity: 'extreme' } } })).toBe('trigger.filter.minSeverity');
    expect(fieldOf({ ...base, trigger: { type: 'transition', state: 'agent' } })).toBe('trigger.staleHours');
    expect(fieldOf({ ...base, trigger: { type: 'transition', state: 'infection', to: ['stale'] } })).toBe('trigger.to[0]');
    expect(fieldOf({ ...base, trigger: { type: 'transition', state: 'infection', updates: 'yes' } })).toBe('trigger.updates');
    expect(fieldOf({ ...base, trigger: { type: 'transition', state: 'agent', staleHours: 6, updates: true } })).toBe('trigger.updates');
    expect(fieldOf({ ...base, trigger: { type: 'schedule', cron: '0 9 32 * *' } })).toBe('trigger.cron');
    expect(fieldOf({ ...base, trigger: { type: 'schedule', cron: '0 9 1 * *', timeZone: 'Mars/Base' } })).toBe('trigger.timeZone');
    expect(fieldOf({ ...base, quietHours: { start: '22:00', end: '7:00' } })).toBe('quietHours.end');
    expect(fieldOf({ ...base, actions: [] })).toBe('actions');
    expect(fieldOf({ ...base, actions: [{ destinationId: 'x' }] })).toBe('actions[0].destinationId');
    expect(fieldOf({ ...base, trigger: { type: 'event', bogus: 1 } })).toBe('trigger.bogus');
    expect(fieldOf({ ...base, trigger: { type: 'sometimes' } })).toBe('trigger.type');
  });

  it('keeps updates on a transition only when asked for (off by default)', () => {
    expect(checkRule({ ...base, trigger: { type: 'transition', state: 'infection', updates: true } }).trigger).toMatchObject({ updates: true });
    expect(checkRule({ ...base, trigger: { type: 'transition', state: 'infection', updates: false } }).trigger).not.toHaveProperty('updates');
    expect(checkRule({ ...base, trigger: { type: 'transition', state: 'infection' }, actions: [{ destinationId: D, params: { body: '{{#if update}}More{{/if}}' } }] }).actions[0].params).toBeDefined();
  });

  it("takes the customer's own recipients as an action target, alone, with alert.urgent only for one event per firing", () => {
    const urgent = { ...base, groupWindowSeconds: 0, actions: [{ recipients: 'customer', templateKind: 'alert.urgent' }] };
    expect(checkRule(urgent).actions).toEqual([{ recipients: 'customer', templateKind: 'alert.urgent' }]);
    expect(checkRule({ ...base, actions: [{ recipients: 'customer' }] }).actions).toEqual([{ recipients: 'customer' }]);
    expect(fieldOf({ ...base, actions: [{ recipients: 'everyone' }] })).toBe('actions[0].recipients');
    expect(fieldOf({ ...base, actions: [{ recipients: 'customer', destinationId: D }] })).toBe('actions[0]');
    expect(fieldOf({ ...urgent, groupWindowSeconds: 60 })).toBe('actions[0].templateKind');
    expect(fieldOf({ ...urgent, quietHours: { start: '22:00', end: '07:00' } })).toBe('actions[0].templateKind');
    expect(fieldOf({ ...urgent, trigger: { type: 'threshold', count: 3, windowSeconds: 3600 } })).toBe('actions[0].templateKind');
    expect(fieldOf({ ...base, actions: [{ recipients: 'customer', templateKind: 'digest.daily' }] })).toBe('actions[0].templateKind');
  });

  it('takes urgentKindsOfCustomer as a filter term (true, or false = absent)', () => {
    expect(checkRule({ ...base, trigger: { type: 'event', filter: { urgentKindsOfCustomer: true } } }).trigger).toEqual({ type: 'event', filter: { urgentKindsOfCustomer: true } });
    expect(checkRule({ ...base, trigger: { type: 'event', filter: { urgentKindsOfCustomer: false } } }).trigger).toEqual({ type: 'event', filter: {} });
    expect(fieldOf({ ...base, trigger: { type: 'event', filter: { urgentKindsOfCustomer: 'yes' } } })).toBe('trigger.filter.urgentKindsOfCustomer');
  });

  it('accepts the managed urgent-kinds rule as written', () => {
    expect(() => checkRule({ ...URGENT_KINDS_RULE })).not.toThrow();
  });

  it('turns every preset, given a destination, into a valid rule', () => {
    for (const p of RULE_PRESETS) expect(() => checkRule(presetBody(p.id, { actions: [{ destinationId: D }] }))).not.toThrow();
    expect(checkRule(presetBody('upsell-cleanups', { actions: [{ destinationId: D }], trigger: { count: 5 } })).trigger).toMatchObject({ type: 'threshold', count: 5, windowSeconds: 30 * 86400 });
  });
});
