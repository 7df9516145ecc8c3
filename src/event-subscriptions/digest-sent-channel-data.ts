import { lineValue } from '../destinations/channel-message';
import type { ChannelDigestSentData } from '../templates/channel-template-data';
import type { DigestSentPayload } from './digest-sent-webhooks';

// What the channel.digest.sent template gets: the digest's period and figures, in the customer's locale and zone,
// linking to where the customer reads more (the brand's portal, else the customer page). Pure.
export function digestSentChannelData(
  p: DigestSentPayload,
  digest: { id: string; cadence: string; periodStart: string; periodEnd: string; sentAt: string },
  customer: { locale: string; timeZone: string } | null,
  link: string | null,
): ChannelDigestSentData {
  return {
    locale: customer?.locale ?? 'en',
    timeZone: customer?.timeZone ?? 'UTC',
    severity: p.counts.outstanding > 0 ? 'medium' : 'info',
    link: link ?? '',
    customer: p.customer ? { id: p.customer.id, name: lineValue(p.customer.name) ?? '', externalRef: p.customer.externalRef } : null,
    digest: { ...digest, periodEndInclusive: new Date(new Date(digest.periodEnd).getTime() - 1).toISOString() },
    counts: p.counts,
  };
}
