import { resolveBrand } from './brand-values';
import { SAMPLE_BRAND } from './sample-data';
import type { ChannelTemplateKind } from './channel-template-kinds';
import type { ChannelDigestSentData, ChannelRuleFiredData, ChannelSecurityEventData, ChannelTemplateData } from './channel-template-data';

// Preview data of the channel kinds: the same bakery as the e-mail kinds' samples (sample-data.ts).
const CUSTOMER = { id: 'c-1042', name: 'Sonnenschein Bakery', externalRef: 'WHMCS-1042' };
const DOMAIN = 'shop.sonnenschein-bakery.example';
const TZ = 'Europe/Berlin';

export function channelSampleData(kind: ChannelTemplateKind, locale = 'en'): ChannelTemplateData & { brand: object } {
  const brand = resolveBrand(SAMPLE_BRAND);
  if (kind === 'channel.security_event') return { ...securityEvent(locale), brand };
  if (kind === 'channel.rule.fired') return { ...ruleFired(locale), brand };
  return { ...digestSent(locale), brand };
}

function securityEvent(locale: string): ChannelSecurityEventData {
  return {
    locale, timeZone: TZ, severity: 'high', link: '', customer: CUSTOMER,
    event: {
      id: 'e-5521', kind: 'detection', severity: 'high', threatName: 'PHP.Webshell.WSO', filePath: '/home/bakery/public_html/wp-content/uploads/x.php',
      process: null, server: 'web-07.northwind-hosting.example', domain: DOMAIN, occurredAt: '2026-11-22T08:14:03.000Z',
    },
    site: { id: 's-1', domain: DOMAIN },
    where: DOMAIN,
  };
}

function ruleFired(locale: string): ChannelRuleFiredData {
  const event = (threatName: string, file: string, minute: number) => ({
    kind: 'detection', severity: 'critical', threatName, domain: DOMAIN, server: null, filePath: `/home/bakery/public_html/${file}`,
    occurredAt: `2026-11-22T08:${String(minute).padStart(2, '0')}:00.000Z`, where: DOMAIN,
  });
  return {
    locale, timeZone: TZ, severity: 'critical', link: '', customer: CUSTOMER,
    rule: { id: 'r-7', name: 'Webshell burst' }, trigger: 'threshold', incident: `site:s-1`, firedAt: '2026-11-22T08:15:00.000Z', firings: 1,
    from: null, to: null, update: false, count: 3, windowSeconds: 600,
    events: [event('PHP.Webshell.WSO', 'x.php', 10), event('PHP.Webshell.b374k', 'wp-includes/y.php', 12), event('PHP.Backdoor.Generic', 'z.php', 14)],
    more: 0, suppressed: 0,
  };
}

function digestSent(locale: string): ChannelDigestSentData {
  return {
    locale, timeZone: TZ, severity: 'medium', link: 'https://portal.northwind-hosting.example/customers/c-1042', customer: CUSTOMER,
    digest: {
      id: 'd-901', cadence: 'weekly', periodStart: '2026-11-15T23:00:00.000Z', periodEnd: '2026-11-22T23:00:00.000Z',
      periodEndInclusive: '2026-11-22T22:59:59.999Z', sentAt: '2026-11-23T07:00:12.000Z',
    },
    counts: { events: 23, detections: 10, threats: 4, cleaned: 3, outstanding: 1, sites: 8, sitesAffected: 2, sitesCleanedThisMonth: 2 },
  };
}
