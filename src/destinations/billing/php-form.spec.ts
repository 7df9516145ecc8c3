import { phpForm } from './php-form';

describe('phpForm', () => {
  it('encodes nested arrays and objects with bracketed names, as PHP parses them', () => {
    const body = phpForm({ action: 'TriggerNotificationEvent', attributes: [{ label: 'Client', value: 42 }, { label: 'Site', value: 'a&b.example' }] });
    expect(body).toBe('action=TriggerNotificationEvent&attributes[0][label]=Client&attributes[0][value]=42&attributes[1][label]=Site&attributes[1][value]=a%26b.example');
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual({
      action: 'TriggerNotificationEvent', 'attributes[0][label]': 'Client', 'attributes[0][value]': '42', 'attributes[1][label]': 'Site', 'attributes[1][value]': 'a&b.example',
    });
  });

  it('writes booleans as 1/0, leaves out null and undefined, and escapes names and values', () => {
    expect(phpForm({ markdown: true, noemail: false, clientid: null, x: undefined, 'vars[title]': 'a b=c' })).toBe('markdown=1&noemail=0&vars[title]=a%20b%3Dc');
    expect(phpForm({ vars: { lines: [{ description: 'Cleanup', qty: 1 }] } })).toBe('vars[lines][0][description]=Cleanup&vars[lines][0][qty]=1');
  });
});
