import { messageIncidents } from './message-incident';

describe('messageIncidents', () => {
  const rule = { id: 'r1', name: 'Site infected' };

  it('names a firing by its rule and incident, and its recovery as the closing of the same', () => {
    const open = messageIncidents({ event: { type: 'rule.fired', timestamp: '2026-12-01T00:00:00Z', data: { rule, incident: 'site:s1@1', opens: true, params: { a: 1 } } } });
    const close = messageIncidents({ event: { type: 'rule.fired', timestamp: '2026-12-01T00:00:00Z', data: { rule, incident: 'site:s1@1', opens: false } } });
    expect(open).toEqual([{ key: 'rule:r1:site:s1@1', closes: false, updates: false, data: expect.objectContaining({ params: { a: 1 } }) }]);
    expect(close.map((i) => [i.key, i.closes])).toEqual([['rule:r1:site:s1@1', true]]);
  });

  it('reads a later firing of an open incident as an update of the same, neither opening nor closing it', () => {
    const update = messageIncidents({ event: { type: 'rule.fired', timestamp: '2026-12-01T00:00:00Z', data: { rule, incident: 'site:s1@1', from: 'infected', to: 'infected', update: true } } });
    expect(update.map((i) => [i.key, i.closes, i.updates])).toEqual([['rule:r1:site:s1@1', false, true]]);
  });

  it('gives each firing of a quiet-hours bundle its own incident, with the shared fields', () => {
    const m = { event: { type: 'rule.fired', timestamp: '2026-12-01T00:00:00Z', data: { rule, trigger: 'event', firings: [{ incident: 'a', params: { x: 'A' } }, { incident: 'b', params: { x: 'B' } }] } } };
    expect(messageIncidents(m).map((i) => [i.key, i.data.trigger, (i.data.params as { x: string }).x])).toEqual([['rule:r1:a', 'event', 'A'], ['rule:r1:b', 'event', 'B']]);
  });

  it('finds none in a message of no rule', () => {
    expect(messageIncidents({ event: { type: 'notification.test', timestamp: '2026-12-01T00:00:00Z', data: {} } })).toEqual([]);
    expect(messageIncidents({})).toEqual([]);
  });
});
