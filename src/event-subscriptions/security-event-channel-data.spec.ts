import { channelText } from '../destinations/channel-message';
import type { OutboundMessage } from '../destinations/destination';
import { ChannelRenderer } from '../templates/channel-renderer';
import { loadDefaultChannelTemplate } from '../templates/default-templates';
import { SAMPLE_BRAND } from '../templates/sample-data';
import { securityEventChannelData } from './security-event-channel-data';
import type { SecurityEventPayload } from './security-event-webhooks';

// The shipped channel.security_event template says what the text built in code said before templates existed.
describe('securityEventChannelData with the shipped template', () => {
  const renderer = new ChannelRenderer();
  const compiled = renderer.compile(loadDefaultChannelTemplate('channel.security_event'), SAMPLE_BRAND, 'spec');
  const at = '2026-11-22T08:14:03.000Z';
  const payload = (event: Partial<SecurityEventPayload['event']>, extra: Partial<SecurityEventPayload> = {}): SecurityEventPayload => ({
    event: { id: 'e1', kind: 'detection', severity: 'high', threatName: null, filePath: null, process: null, server: null, domain: null, occurredAt: at, ...event },
    customer: { id: 'c1', externalRef: null, name: 'Bakery' },
    site: { id: 's1', domain: 'shop.example' },
    ...extra,
  });
  const both = (p: SecurityEventPayload, locale = 'en') => {
    const event = { type: 'security_event.created', timestamp: at, data: { event: p.event, customer: p.customer, site: p.site } };
    const before = channelText({ event } as OutboundMessage, 'd1')!;
    const text = renderer.render(compiled, securityEventChannelData(p, at, { locale, timeZone: 'UTC' }));
    return { before, after: channelText({ event, text } as OutboundMessage, 'd1')! };
  };

  it.each([
    ['every field', payload({ threatName: 'PHP.Webshell.WSO', filePath: '/home/u/x.php', process: 'php-fpm', server: 'web-7', domain: 'a.example' })],
    ['no threat, the site’s domain', payload({ kind: 'cleanup', severity: null })],
    ['no customer, no site', payload({ severity: 'critical', threatName: 'X' }, { customer: null, site: null })],
    ['hostile data', payload({ threatName: '@everyone <!here> <https://evil.example|click> *bold*', filePath: '/home/x/<script>alert(1)</script>\n<!channel>.php' })],
    ['a 10 KB threat name', payload({ threatName: 'T'.repeat(10_000), filePath: 'p'.repeat(5000) })],
  ])('%s: the same title, body, severity and link', (_, p) => {
    const { before, after } = both(p);
    expect(after).toEqual(before);
  });

  it('speaks the customer’s locale', () => {
    const { after } = both(payload({ threatName: 'X', filePath: '/f.php' }), 'de');
    expect(after.title).toBe('Hoch detection: X auf shop.example');
    expect(after.body).toContain('Bedrohung: X\nDatei: /f.php');
  });
});
