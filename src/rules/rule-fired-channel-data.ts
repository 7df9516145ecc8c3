import { highestSeverity, lineValue, toSeverity } from '../destinations/channel-message';
import type { ChannelRuleEventData, ChannelRuleFiredData } from '../templates/channel-template-data';
import type { RuleFiredPayload } from './rule-fired-composer';

const MAX_EVENTS = 30;

// What the channel.rule.fired template gets for a rule's delivery: the rule, whom it concerns, what changed (a
// transition's states, a threshold's count) and the firing's events on single, clipped lines; firings held together by
// quiet hours as one list. Pure.
export function ruleFiredChannelData(p: RuleFiredPayload, customer: { locale: string; timeZone: string } | null): ChannelRuleFiredData {
  const first = p.firings[0];
  const fd = first.data ?? {};
  const all = p.firings.flatMap((f) => f.events ?? []);
  const events: ChannelRuleEventData[] = all.slice(0, MAX_EVENTS).map((e) => ({
    kind: lineValue(e.kind), severity: lineValue(e.severity), threatName: lineValue(e.threatName), domain: lineValue(e.domain),
    server: lineValue(e.server), filePath: lineValue(e.filePath), occurredAt: lineValue(e.occurredAt), where: lineValue(e.domain) ?? lineValue(e.server),
  }));
  const c = first.customer;
  const from = lineValue(fd.from);
  const to = lineValue(fd.to);
  const count = lineValue(fd.count);
  return {
    locale: customer?.locale ?? 'en',
    timeZone: customer?.timeZone ?? 'UTC',
    severity: highestSeverity(all.map((e) => e.severity)) ?? toSeverity(lineValue(fd.severity)),
    link: lineValue(fd.link) ?? lineValue(fd.url) ?? '',
    customer: c ? { id: String(c.id ?? ''), name: lineValue(c.name) ?? '', externalRef: lineValue(c.externalRef) } : null,
    rule: { id: p.rule.id, name: lineValue(p.rule.name) ?? 'Rule' },
    trigger: p.trigger,
    incident: lineValue(first.incident),
    firedAt: lineValue(first.firedAt),
    firings: p.firings.length,
    from: from && to ? from : null,
    to: from && to ? to : null,
    update: fd.update === true,
    count: count === null ? null : Number(fd.count),
    windowSeconds: lineValue(fd.windowSeconds) ?? '?',
    events,
    more: p.firings.reduce((n, f) => n + (Number(f.more) || 0), 0) + Math.max(0, all.length - MAX_EVENTS),
    suppressed: p.firings.reduce((n, f) => n + (Number(f.suppressed) || 0), 0),
  };
}
