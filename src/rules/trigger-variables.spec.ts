import { handlebarsRoots, keyVariables, renderKey, unknownVariable } from './trigger-variables';

describe('template variables', () => {
  it('finds the placeholders of a dedupe key and fills them', () => {
    expect(keyVariables('{rule}:{group}:{incident}')).toEqual(['rule', 'group', 'incident']);
    expect(renderKey('{rule}:{group}:{incident}', { rule: 'r', group: 'g', incident: 'i' })).toBe('r:g:i');
  });

  it('finds the root names a Handlebars template reads, not those of an each block item nor helper names', () => {
    const t = '{{customer.name}}: {{#each events}}{{threatName}} {{/each}}{{#if more}}and {{more}} more{{/if}} {{formatDate firedAt}} {{{site.domain}}}';
    expect(handlebarsRoots(t)).toEqual(['customer', 'events', 'more', 'more', 'firedAt', 'site']);
  });

  it('names the first variable a trigger does not provide', () => {
    expect(unknownVariable('event', ['event', 'customer'])).toBeNull();
    expect(unknownVariable('schedule', ['counters', 'event'])).toBe('event');
    expect(unknownVariable('threshold', ['count', 'from'])).toBe('from');
  });
});
