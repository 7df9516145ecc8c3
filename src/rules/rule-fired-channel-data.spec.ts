import { channelText } from '../destinations/channel-message';
import type { OutboundMessage } from '../destinations/destination';
import { ChannelRenderer } from '../templates/channel-renderer';
import { loadDefaultChannelTemplate } from '../templates/default-templates';
import { SAMPLE_BRAND } from '../templates/sample-data';
import { ruleFiredChannelData } from './rule-fired-channel-data';
import type { FiringPayload, RuleFiredPayload } from './rule-fired-composer';

// The shipped channel.rule.fired template says what the text built in code said before templates existed.
describe('ruleFiredChannelData with the shipped template', () => {
  const renderer = new ChannelRenderer();
  const compiled = renderer.compile(loadDefaultChannelTemplate('channel.rule.fired'), SAMPLE_BRAND, 'spec');
  const ev = (i: number, extra: Record<string, unknown> = {}) => ({
    id: `e${i}`, kind: 'detection', severity: 'high', threatName: `Threat.${i}`, domain: 'shop.example', server: null, filePath: `/home/u/f${i}.php`,
    occurredAt: '2026-11-22T08:00:00.000Z', ...extra,
  });
  const firing = (data: Record<string, unknown>, events: Record<string, unknown>[], extra: Partial<FiringPayload> = {}): FiringPayload => ({
    id: 'f1', group: 'site:s1', incident: 'site:s1', firedAt: '2026-11-22T08:15:00.000Z', suppressed: 0, eventCount: events.length, more: 0,
    data, events, customer: { id: 'c1', name: 'Bakery' }, ...extra,
  });
  const payload = (f: FiringPayload, trigger = 'threshold'): RuleFiredPayload => ({
    rule: { id: 'r1', name: 'Webshell burst' }, trigger, action: { destinationId: 'd1' }, sentAt: '2026-11-22T08:15:01.000Z', firings: [f],
  });
  // The data as RuleFiredComposer puts it into the event of a single firing.
  const both = (p: RuleFiredPayload) => {
    const f = p.firings[0];
    const data = {
      rule: p.rule, trigger: p.trigger, params: {}, firingId: f.id, group: f.group, incident: f.incident, firedAt: f.firedAt, customer: f.customer,
      suppressed: f.suppressed, eventCount: f.eventCount, events: f.events, more: f.more, ...f.data,
    };
    const event = { type: 'rule.fired', timestamp: p.sentAt, data };
    const before = channelText({ event } as OutboundMessage, 'd1')!;
    const text = renderer.render(compiled, ruleFiredChannelData(p, { locale: 'en', timeZone: 'UTC' }));
    return { before, after: channelText({ event, text } as OutboundMessage, 'd1')! };
  };

  it.each([
    ['a threshold', payload(firing({ count: 3, windowSeconds: 600 }, [ev(1), ev(2, { severity: 'critical' }), ev(3)]))],
    ['a transition', payload(firing({ from: 'clean', to: 'infected', opens: true }, [ev(1)]), 'transition')],
    ['a recovery', payload(firing({ from: 'infected', to: 'clean', opens: false }, []), 'transition')],
    ['events without severity, kind or domain', payload(firing({}, [ev(1, { severity: null, kind: null, domain: null, server: 'web-7', filePath: null })], { customer: null }), 'event')],
    ['more and suppressed', payload(firing({ count: 40 }, Array.from({ length: 35 }, (_, i) => ev(i)), { more: 15, suppressed: 2 }))],
    ['hostile data', payload(firing({}, [ev(1, { threatName: '@everyone <!here> [x](https://evil.example)', filePath: '/x/<script>\n.php' })]), 'event')],
  ])('%s: the same title, body, severity, link and incident key', (_, p) => {
    const { before, after } = both(p);
    expect(after).toEqual(before);
  });

  it('lists firings held together by quiet hours as one message under the first firing’s title', () => {
    const p = payload(firing({ count: 3, windowSeconds: 60 }, [ev(1)]));
    p.firings.push(firing({ count: 4, windowSeconds: 60 }, [ev(2), ev(3)], { id: 'f2', suppressed: 1 }));
    const text = renderer.render(compiled, ruleFiredChannelData(p, null));
    expect(text.title).toBe('Webshell burst — Bakery: 3 in 60 s');
    expect(text.body.split('\n')).toEqual([
      'high detection: Threat.1 on shop.example (/home/u/f1.php)', 'high detection: Threat.2 on shop.example (/home/u/f2.php)',
      'high detection: Threat.3 on shop.example (/home/u/f3.php)', "(1 more held back by the rule's cooldown since the last message)",
    ]);
  });
});
