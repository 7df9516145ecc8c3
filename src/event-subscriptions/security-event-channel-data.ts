import { lineValue, toSeverity } from '../destinations/channel-message';
import type { ChannelSecurityEventData } from '../templates/channel-template-data';
import type { SecurityEventPayload } from './security-event-webhooks';

// What the channel.security_event template gets for one event: the snapshotted event on single, clipped lines (as the
// text built in code shows them), in the customer's locale and zone. Pure.
export function securityEventChannelData(
  p: SecurityEventPayload,
  occurredAt: string,
  customer: { locale: string; timeZone: string } | null,
): ChannelSecurityEventData {
  const e = p.event;
  return {
    locale: customer?.locale ?? 'en',
    timeZone: customer?.timeZone ?? 'UTC',
    severity: toSeverity(e.severity),
    link: '',
    customer: p.customer ? { id: p.customer.id, name: lineValue(p.customer.name) ?? '', externalRef: p.customer.externalRef } : null,
    event: {
      id: e.id, kind: lineValue(e.kind) ?? 'event', severity: lineValue(e.severity), threatName: lineValue(e.threatName), filePath: lineValue(e.filePath),
      process: lineValue(e.process), server: lineValue(e.server), domain: lineValue(e.domain), occurredAt,
    },
    site: p.site ? { id: p.site.id, domain: lineValue(p.site.domain) } : null,
    where: lineValue(e.domain) ?? lineValue(p.site?.domain),
  };
}
