import { BrandValues, resolveBrand } from './brand-values';
import { formatPeriodLabel, Cadence } from './period-label';
import { channelSampleData } from './channel-sample-data';
import type { ChannelTemplateData } from './channel-template-data';
import { ChannelTemplateKind, DigestKind, isChannelTemplateKind, TemplateKind } from './template-kinds';
import { AlertTemplateData, DigestTemplateData, RuleTemplateData, SiteSummary, TemplateData, ThreatSummary, TicketTemplateData } from './template-data';

// Preview data for the editor and the specs: a bakery with eight sites, one threat still outstanding.
export const SAMPLE_BRAND: BrandValues = {
  name: 'Northwind Hosting',
  logoUrl: 'https://portal.northwind-hosting.example/brand/logo.png',
  logoWidth: 140,
  primaryColor: '#0b5fff',
  accentColor: '#f59e0b',
  footerText: 'Northwind Hosting · Hafenstraße 12 · 20457 Hamburg',
  legalText: 'Northwind Hosting GmbH, Amtsgericht Hamburg HRB 123456',
  supportUrl: 'https://northwind-hosting.example/support',
  supportEmail: 'support@northwind-hosting.example',
  portalUrl: 'https://portal.northwind-hosting.example',
};

const TZ = 'Europe/Berlin';
const PORTAL = 'https://portal.northwind-hosting.example/customers/c-1042';
const CUSTOMER = { id: 'c-1042', name: 'Sonnenschein Bakery' };

// Local periods in Europe/Berlin (UTC+1 in November), ends exclusive.
const PERIODS: Record<Cadence, { start: string; end: string; prevStart: string }> = {
  daily: { start: '2026-11-21T23:00:00.000Z', end: '2026-11-22T23:00:00.000Z', prevStart: '2026-11-20T23:00:00.000Z' },
  weekly: { start: '2026-11-15T23:00:00.000Z', end: '2026-11-22T23:00:00.000Z', prevStart: '2026-11-08T23:00:00.000Z' },
  monthly: { start: '2026-10-31T23:00:00.000Z', end: '2026-11-30T23:00:00.000Z', prevStart: '2026-09-30T22:00:00.000Z' },
};

export function sampleData(kind: DigestKind, locale?: string): DigestTemplateData;
export function sampleData(kind: 'ticket.malware', locale?: string): TicketTemplateData;
export function sampleData(kind: 'alert.urgent', locale?: string): AlertTemplateData;
export function sampleData(kind: 'rule.fired', locale?: string): RuleTemplateData;
export function sampleData(kind: ChannelTemplateKind, locale?: string): ChannelTemplateData;
export function sampleData(kind: TemplateKind, locale?: string): TemplateData | ChannelTemplateData;
export function sampleData(kind: TemplateKind, locale = 'en'): TemplateData | ChannelTemplateData {
  if (isChannelTemplateKind(kind)) return channelSampleData(kind, locale);
  if (kind === 'alert.urgent') return sampleAlert(locale);
  if (kind === 'rule.fired') return sampleRule(locale);
  return kind === 'ticket.malware' ? sampleTicket(locale) : sampleDigest(kind.slice('digest.'.length) as Cadence, locale);
}

function sampleDigest(cadence: Cadence, locale: string): DigestTemplateData {
  const p = PERIODS[cadence];
  const domain = 'sonnenschein-bakery.example';
  const site = (sub: string, s: Omit<SiteSummary, 'id' | 'domain' | 'url'>, n: number): SiteSummary => ({
    id: `s-${n}`, domain: sub ? `${sub}.${domain}` : domain, url: `${PORTAL}/sites/s-${n}`, ...s,
  });
  const threat = (t: Omit<ThreatSummary, 'url'>, n: number): ThreatSummary => ({ ...t, url: `${PORTAL}/threats/t-${n}` });
  return {
    locale,
    timeZone: TZ,
    cadence,
    generatedAt: p.end,
    brand: resolveBrand(SAMPLE_BRAND),
    customer: CUSTOMER,
    recipient: { email: 'it@sonnenschein-bakery.example' },
    period: { start: p.start, end: p.end, label: formatPeriodLabel(cadence, p.start, p.end, locale, TZ), late: false },
    previousPeriod: { start: p.prevStart, end: p.start, label: formatPeriodLabel(cadence, p.prevStart, p.start, locale, TZ) },
    totals: {
      events: 23, detections: 10, cleanups: 9, quarantines: 1, processesKilled: 2, processesBlocked: 1, filesDeleted: 0,
      byKind: [
        { kind: 'detection', count: 10, previous: 7 },
        { kind: 'cleanup', count: 9, previous: 6 },
        { kind: 'quarantine', count: 1, previous: 0 },
        { kind: 'process_killed', count: 2, previous: 3 },
        { kind: 'process_blocked', count: 1, previous: 0 },
      ],
      bySeverity: [
        { severity: 'critical', count: 1, previous: 0 },
        { severity: 'high', count: 4, previous: 2 },
        { severity: 'medium', count: 3, previous: 4 },
        { severity: 'low', count: 2, previous: 1 },
      ],
    },
    previous: { events: 16, detections: 7, cleanups: 6, quarantines: 0, processesKilled: 3, processesBlocked: 0, filesDeleted: 0, threats: 6, cleaned: 6, outstanding: 0 },
    status: {
      threats: 11, cleaned: 10, outstanding: 1, sitesTotal: 8, sitesAffected: 4, sitesProtected: 6, sitesUnprotected: 2,
      sitesCleanedThisMonth: 4, allClear: false, empty: false,
    },
    sites: [
      site('shop', { risk: 'critical', detections: 3, cleaned: 2, outstanding: 1, protection: 'partial', lastEventAt: '2026-11-22T17:42:10.000Z' }, 1),
      site('', { risk: 'high', detections: 4, cleaned: 4, outstanding: 0, protection: 'protected', lastEventAt: '2026-11-20T09:15:00.000Z' }, 2),
      site('blog', { risk: 'medium', detections: 2, cleaned: 2, outstanding: 0, protection: 'protected', lastEventAt: '2026-11-18T22:03:41.000Z' }, 3),
      site('orders', { risk: 'low', detections: 1, cleaned: 1, outstanding: 0, protection: 'protected', lastEventAt: '2026-11-17T06:30:00.000Z' }, 4),
      site('staging', { risk: 'none', detections: 0, cleaned: 0, outstanding: 0, protection: 'unprotected', lastEventAt: null }, 5),
    ],
    sitesMore: 3,
    topThreats: [
      threat({
        name: 'PHP.Webshell.WSO', severity: 'critical', kind: 'detection', status: 'outstanding', occurrences: 1,
        path: '/home/sonnenschein/public_html/shop/wp-content/plugins/woocommerce-extra-fees/includes/vendor/composer/autoload_static_ba1c0de4.php',
        domain: `shop.${domain}`, lastSeenAt: '2026-11-22T17:42:10.000Z',
      }, 1),
      threat({
        name: 'JS.Skimmer.Magecart', severity: 'high', kind: 'cleanup', status: 'cleaned', occurrences: 2,
        path: '/home/sonnenschein/public_html/wp-content/themes/flatsome/assets/js/flatsome.min.js',
        domain, lastSeenAt: '2026-11-20T09:15:00.000Z',
      }, 2),
      threat({
        name: 'PHP.Backdoor.Generic', severity: 'high', kind: 'quarantine', status: 'quarantined', occurrences: 1,
        path: '/home/sonnenschein/public_html/wp-content/uploads/2026/11/cache.php',
        domain: `shop.${domain}`, lastSeenAt: '2026-11-19T03:11:52.000Z',
      }, 3),
      threat({
        name: 'Miner.XMRig', severity: 'medium', kind: 'process_killed', status: 'cleaned', occurrences: 2,
        path: '/tmp/.X11-unix/.kworker --donate-level=1 -o pool.example:3333',
        domain: `blog.${domain}`, lastSeenAt: '2026-11-18T22:03:41.000Z',
      }, 4),
    ],
    topThreatsMore: 6,
    links: {
      portal: PORTAL,
      sites: `${PORTAL}/sites?sort=risk&period=${cadence}`,
      threats: `${PORTAL}/threats?from=${p.start}&to=${p.end}`,
      support: SAMPLE_BRAND.supportUrl,
      preferences: 'https://digest.northwind-hosting.example/p/eyJjIjoiYy0xMDQyIn0.sample',
      unsubscribe: 'https://digest.northwind-hosting.example/u/eyJjIjoiYy0xMDQyIn0.sample',
    },
  };
}

function sampleTicket(locale: string): TicketTemplateData {
  return {
    locale,
    timeZone: TZ,
    brand: resolveBrand(SAMPLE_BRAND),
    customer: CUSTOMER,
    site: { id: 's-1', domain: 'shop.sonnenschein-bakery.example', server: 'web07.northwind-hosting.example', protection: 'partial', url: `${PORTAL}/sites/s-1` },
    event: {
      id: 'e-88231',
      kind: 'detection',
      severity: 'critical',
      threatName: 'PHP.Webshell.WSO',
      filePath: '/home/sonnenschein/public_html/shop/wp-content/plugins/woocommerce-extra-fees/includes/vendor/composer/autoload_static_ba1c0de4.php',
      fileHash: '9f2c1d0a7be44c5e8f3a6b1d2e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5',
      process: null,
      occurredAt: '2026-11-22T17:42:10.000Z',
      status: 'outstanding',
    },
    links: { portal: PORTAL, event: `${PORTAL}/events/e-88231`, support: SAMPLE_BRAND.supportUrl },
  };
}

function sampleAlert(locale: string): AlertTemplateData {
  const ticket = sampleTicket(locale);
  return {
    locale,
    timeZone: TZ,
    brand: ticket.brand,
    customer: CUSTOMER,
    site: { id: ticket.site.id, domain: ticket.site.domain, url: ticket.site.url },
    event: {
      id: ticket.event.id, kind: 'detection', severity: 'critical', threatName: ticket.event.threatName, filePath: ticket.event.filePath,
      process: null, server: ticket.site.server, occurredAt: ticket.event.occurredAt,
    },
    links: {
      portal: PORTAL,
      threats: `${PORTAL}#threats`,
      support: SAMPLE_BRAND.supportUrl,
      preferences: 'https://digest.northwind-hosting.example/u/eyJjIjoiYy0xMDQyIn0.sample',
    },
  };
}

function sampleRule(locale: string): RuleTemplateData {
  const alert = sampleAlert(locale);
  return {
    locale,
    timeZone: TZ,
    brand: alert.brand,
    customer: CUSTOMER,
    rule: { id: 'r-17', name: 'Malware burst' },
    trigger: 'event',
    firedAt: '2026-11-22T17:42:10.000Z',
    incident: 'event:e-88231',
    firings: 1,
    eventCount: 3,
    more: 1,
    suppressed: 2,
    count: null,
    threshold: null,
    from: null,
    to: null,
    update: false,
    periodStart: null,
    periodEnd: null,
    events: [
      { id: 'e-88231', kind: 'detection', severity: 'critical', threatName: 'PHP.Webshell.WSO', filePath: alert.event.filePath, domain: alert.site.domain, occurredAt: '2026-11-22T17:42:10.000Z' },
      { id: 'e-88232', kind: 'detection', severity: 'high', threatName: 'PHP.Backdoor.Generic', filePath: '/home/sonnenschein/public_html/wp-content/uploads/x.php', domain: null, occurredAt: '2026-11-22T17:42:31.000Z' },
    ],
    links: { portal: PORTAL, support: SAMPLE_BRAND.supportUrl },
  };
}
