import { ChannelTemplateKind, TemplateKind } from './template-kinds';
import { CUSTOM_HELPERS, BUILTIN_HELPERS } from './template-helpers';
import { CHANNEL_TEMPLATE_VARIABLES } from './channel-template-variables';

export type { AlertTemplateData, RuleTemplateData, DigestTemplateData, TicketTemplateData, TemplateData, SiteSummary, ThreatSummary } from './template-data';
export { DIGEST_LIST_LIMITS } from './template-data';
export { sampleData, SAMPLE_BRAND } from './sample-data';

// The variable reference per kind, served to the editor and used by the validator (unknown variables → warnings).
// Paths use `[]` for array items: inside {{#each sites}}, `domain` is `sites[].domain`.
//
// Brand values: {{brand.name}} renders per email like any variable. Where MJML itself must see the value (colours in
// inline styles and attributes such as border or background-color, the logo width, an inline mj-style), write
// [[brand.primaryColor]] instead: the compile binds [[brand.*]] before MJML runs, once per (template version, brand
// version). Only variables marked `brandBinding` can be written that way, and only in the MJML body.
export interface TemplateVariable {
  path: string;
  type: string;
  description: string;
  brandBinding?: true;
}

const v = (path: string, type: string, description: string): TemplateVariable => ({ path, type, description });
const b = (path: string, type: string, description: string): TemplateVariable => ({ path, type, description, brandBinding: true });

const COMMON: TemplateVariable[] = [
  v('locale', 'string', 'Locale of the recipient (en, de, fr, es, nl; other tags fall back by language, then to en)'),
  v('timeZone', 'string', 'IANA time zone of the customer; formatDate uses it by default'),
  v('brand', 'object', 'The brand the customer belongs to'),
  b('brand.name', 'string', 'Brand name as customers know it'),
  b('brand.logoUrl', 'url | null', 'Logo image URL (http/https); null when the brand has no logo'),
  b('brand.logoWidth', 'number', 'Logo width in px (16–300)'),
  b('brand.primaryColor', 'color', 'Primary colour, #rrggbb'),
  b('brand.accentColor', 'color', 'Accent colour, #rrggbb'),
  b('brand.onPrimaryColor', 'color', 'Text colour readable on primaryColor (#ffffff or #111827)'),
  b('brand.linkColor', 'color', 'primaryColor, darkened if needed to reach 4.5:1 on white'),
  b('brand.linkColorDark', 'color', 'primaryColor, lightened if needed to reach 4.5:1 on the dark-mode card'),
  b('brand.footerText', 'string', 'Footer text (address, company)'),
  b('brand.legalText', 'string', 'Legal notice; may be empty'),
  b('brand.supportUrl', 'url', 'Support page'),
  b('brand.supportEmail', 'string | null', 'Support address'),
  b('brand.portalUrl', 'url', 'Customer portal home'),
  v('customer', 'object', 'The customer'),
  v('customer.id', 'string', 'Customer id'),
  v('customer.name', 'string', 'Customer name'),
];

const DIGEST: TemplateVariable[] = [
  ...COMMON,
  v('cadence', 'daily | weekly | monthly', 'Digest cadence'),
  v('generatedAt', 'date', 'When the digest was computed'),
  v('recipient', 'object', 'The recipient of this email'),
  v('recipient.email', 'string', 'Recipient address'),
  v('period', 'object', "The customer's local day, week or month this digest covers"),
  v('period.start', 'date', 'Start of the period (inclusive)'),
  v('period.end', 'date', 'End of the period (exclusive)'),
  v('period.label', 'string', 'Period in words, in the locale ("16–22 Nov 2026")'),
  v('period.late', 'boolean', 'True when the digest goes out late (catch-up after downtime)'),
  v('previousPeriod', 'object', 'The period before, the basis of every trend'),
  v('previousPeriod.start', 'date', 'Start of the previous period'),
  v('previousPeriod.end', 'date', 'End of the previous period (exclusive)'),
  v('previousPeriod.label', 'string', 'Previous period in words'),
  v('totals', 'object', 'Counts of the period'),
  ...totals('totals', 'in the period'),
  v('totals.byKind', 'array', 'Counts per event kind that occurred, in a fixed order'),
  v('totals.byKind[].kind', 'event kind', 'detection, cleanup, quarantine, file_deleted, process_killed, … ({{t "kind" kind}} names it)'),
  v('totals.byKind[].count', 'number', 'Events of this kind in the period'),
  v('totals.byKind[].previous', 'number', 'Events of this kind in the previous period'),
  v('totals.bySeverity', 'array', 'Detections per severity that occurred, highest first'),
  v('totals.bySeverity[].severity', 'severity', 'critical, high, medium, low, info'),
  v('totals.bySeverity[].count', 'number', 'Detections of this severity in the period'),
  v('totals.bySeverity[].previous', 'number', 'Detections of this severity in the previous period'),
  v('previous', 'object', 'The same counts for the previous period'),
  ...totals('previous', 'in the previous period'),
  v('previous.threats', 'number', 'Threats of the previous period (= previous.cleaned + previous.outstanding)'),
  v('previous.cleaned', 'number', 'Threats cleaned or quarantined in the previous period'),
  v('previous.outstanding', 'number', 'Threats outstanding at the end of the previous period'),
  v('status', 'object', 'Where the customer stands at the end of the period'),
  v('status.threats', 'number', 'Threats of the period (a file, process or threat name on a site with an event in the period) = status.cleaned + status.outstanding; also in /v1/stats'),
  v('status.cleaned', 'number', 'Threats of the period whose last event cleaned, quarantined, deleted, stopped or blocked them'),
  v('status.outstanding', 'number', 'Threats of the period whose last event left them open (a detection or a restore)'),
  v('status.sitesTotal', 'number', 'Sites of the customer'),
  v('status.sitesAffected', 'number', 'Sites with at least one detection in the period'),
  v('status.sitesProtected', 'number', 'Sites with protection fully active'),
  v('status.sitesUnprotected', 'number', 'Sites with protection off or partial'),
  v('status.sitesCleanedThisMonth', 'number', 'Sites with a threat cleaned, quarantined, deleted, stopped or blocked in the calendar month of the period\'s end, in the customer\'s time zone'),
  v('status.allClear', 'boolean', 'Nothing outstanding and every site protected'),
  v('status.empty', 'boolean', 'No events at all in the period'),
  v('sites', 'array', 'Sites sorted by risk, highest first (top N)'),
  v('sites[].id', 'string', 'Site id'),
  v('sites[].domain', 'string', 'Primary domain'),
  v('sites[].risk', 'severity | none', 'Highest outstanding severity, else the highest of the period, else none'),
  v('sites[].detections', 'number', 'Detections on the site in the period'),
  v('sites[].cleaned', 'number', 'Threats cleaned or quarantined on the site in the period'),
  v('sites[].outstanding', 'number', 'Threats outstanding on the site'),
  v('sites[].protection', 'protected | partial | unprotected | unknown', 'Protection status of the site'),
  v('sites[].lastEventAt', 'date | null', 'Last event on the site in the period'),
  v('sites[].url', 'url', 'The site in the portal, else on the hosted customer page'),
  v('sitesMore', 'number', 'Sites not listed (0 when all are): "and N more"'),
  v('topThreats', 'array', 'Top threats and files of the period, outstanding and most severe first (top N)'),
  v('topThreats[].name', 'string', 'Threat or signature name'),
  v('topThreats[].path', 'string', 'Full file path or process; shorten with {{truncatePath path 60}}'),
  v('topThreats[].domain', 'string', 'Site the file belongs to'),
  v('topThreats[].severity', 'severity', 'critical, high, medium, low, info'),
  v('topThreats[].kind', 'event kind', 'What was found or done (detection, process_killed, …)'),
  v('topThreats[].status', 'cleaned | quarantined | outstanding', 'What became of it'),
  v('topThreats[].occurrences', 'number', 'Events for this threat and file in the period'),
  v('topThreats[].lastSeenAt', 'date', 'Last event for it'),
  v('topThreats[].url', 'url', 'Open threats in the portal, else on the hosted customer page'),
  v('topThreatsMore', 'number', 'Threats not listed: "and N more"'),
  v('links', 'object', 'Links for this recipient'),
  v('links.portal', 'url', "The customer's page in the portal, else the hosted customer page (no login)"),
  v('links.sites', 'url', 'All sites (portal, else the hosted customer page)'),
  v('links.threats', 'url', 'Open threats (portal, else the hosted customer page)'),
  v('links.support', 'url', "The brand's support page, else mailto: its support address, else the customer page"),
  v('links.preferences', 'url', 'Digest preferences (cadence, off), works without login'),
  v('links.unsubscribe', 'url', 'One-click unsubscribe, works without login'),
];

const TICKET: TemplateVariable[] = [
  ...COMMON,
  v('site', 'object', 'The site the event belongs to'),
  v('site.id', 'string', 'Site id'),
  v('site.domain', 'string', 'Primary domain'),
  v('site.server', 'string | null', 'Server (host name)'),
  v('site.protection', 'protected | partial | unprotected | unknown', 'Protection status of the site'),
  v('site.url', 'url', 'The site in the portal'),
  v('event', 'object', 'The malware event'),
  v('event.id', 'string', 'Event id'),
  v('event.kind', 'event kind', 'detection, cleanup, quarantine, …'),
  v('event.severity', 'severity', 'critical, high, medium, low, info'),
  v('event.threatName', 'string | null', 'Threat or signature name'),
  v('event.filePath', 'string | null', 'File path; shorten with truncatePath'),
  v('event.fileHash', 'string | null', 'SHA-256 of the file'),
  v('event.process', 'string | null', 'Process command line'),
  v('event.occurredAt', 'date', 'When it happened'),
  v('event.status', 'cleaned | quarantined | outstanding', 'What became of it'),
  v('links', 'object', 'Links'),
  v('links.portal', 'url', "The customer's page in the portal"),
  v('links.event', 'url', 'The event in the portal'),
  v('links.support', 'url', 'Support'),
];

const ALERT: TemplateVariable[] = [
  ...COMMON,
  v('site', 'object', 'The site the event belongs to'),
  v('site.id', 'string | null', 'Site id'),
  v('site.domain', 'string', 'Primary domain (else the domain or server the vendor reported)'),
  v('site.url', 'url', 'The site in the portal, else on the hosted customer page'),
  v('event', 'object', 'The urgent event'),
  v('event.id', 'string', 'Event id'),
  v('event.kind', 'event kind', 'detection, cleanup, process_killed, …; {{t "alert.kind" event.kind}} names it'),
  v('event.severity', 'severity | null', 'critical, high, medium, low, info; null when the vendor gives none'),
  v('event.threatName', 'string | null', 'Threat or signature name'),
  v('event.filePath', 'string | null', 'File path; shorten with truncatePath'),
  v('event.process', 'string | null', 'Process command line; shorten with truncatePath'),
  v('event.server', 'string | null', 'Server (host name)'),
  v('event.occurredAt', 'date', "When it happened; formatDate shows it in the customer's time zone"),
  v('links', 'object', 'Links'),
  v('links.portal', 'url', "The customer's page in the portal, else the hosted customer page (no login)"),
  v('links.threats', 'url', 'Open threats (portal, else the hosted customer page)'),
  v('links.support', 'url', "The brand's support page, else mailto: its support address, else the customer page"),
  v('links.preferences', 'url', 'Email preferences (digest cadence, off), works without login'),
];

const RULE: TemplateVariable[] = [
  ...COMMON,
  v('rule', 'object', 'The rule that fired'),
  v('rule.id', 'string', 'Rule id'),
  v('rule.name', 'string', 'Rule name as the operator wrote it'),
  v('trigger', 'string', 'event, threshold, transition or schedule'),
  v('firedAt', 'date', 'When it fired (a burst: its first event; a schedule: the run)'),
  v('incident', 'string', 'The incident (a recovery names the one it closes)'),
  v('firings', 'number', 'Firings in this message (more than one when quiet hours held them)'),
  v('eventCount', 'number', 'Events in the firing(s)'),
  v('more', 'number', 'Events beyond the listed ones'),
  v('suppressed', 'number', 'Matches the cooldown held back before this firing'),
  v('count', 'number | null', 'Threshold: the count reached'),
  v('threshold', 'number | null', 'Threshold: the count that fires'),
  v('from', 'string | null', 'Transition: the state left (clean, infected, protected, unprotected, reporting, stale)'),
  v('to', 'string | null', 'Transition: the state reached'),
  v('update', 'boolean', 'Transition with updates: more activity on the incident still open (from and to are the same state)'),
  v('periodStart', 'date | null', 'Schedule: start of the period reported'),
  v('periodEnd', 'date | null', 'Schedule: end of the period reported (exclusive)'),
  v('events', 'array', 'The events (up to 50)'),
  v('events[].id', 'string', 'Event id'),
  v('events[].kind', 'event kind', '{{t "alert.kind" kind}} names it'),
  v('events[].severity', 'severity | null', 'critical, high, medium, low, info'),
  v('events[].threatName', 'string | null', 'Threat or signature name'),
  v('events[].filePath', 'string | null', 'File path; shorten with truncatePath'),
  v('events[].domain', 'string | null', 'Domain the vendor reported'),
  v('events[].occurredAt', 'date', 'When it happened'),
  v('links', 'object', 'Links'),
  v('links.portal', 'url', "The customer's page in the portal, else the hosted customer page"),
  v('links.support', 'url', "The brand's support page"),
];

function totals(prefix: string, when: string): TemplateVariable[] {
  return [
    v(`${prefix}.events`, 'number', `All events ${when}`),
    v(`${prefix}.detections`, 'number', `Malware detections ${when}`),
    v(`${prefix}.cleanups`, 'number', `Files cleaned ${when}`),
    v(`${prefix}.quarantines`, 'number', `Files quarantined ${when}`),
    v(`${prefix}.processesKilled`, 'number', `Malicious processes killed ${when}`),
    v(`${prefix}.processesBlocked`, 'number', `Processes blocked ${when}`),
    v(`${prefix}.filesDeleted`, 'number', `Files deleted ${when}`),
  ];
}

export const TEMPLATE_VARIABLES: Record<TemplateKind, readonly TemplateVariable[]> = {
  'digest.daily': DIGEST,
  'digest.weekly': DIGEST,
  'digest.monthly': DIGEST,
  'ticket.malware': TICKET,
  'alert.urgent': ALERT,
  'rule.fired': RULE,
  ...channelVariables(),
};

// A channel kind's own variables after the brand's, which are the same for every kind.
function channelVariables(): Record<ChannelTemplateKind, readonly TemplateVariable[]> {
  const brand = COMMON.filter((x) => x.path === 'brand' || x.path.startsWith('brand.')).map(({ brandBinding: _, ...x }) => x);
  const own = CHANNEL_TEMPLATE_VARIABLES;
  return { 'channel.security_event': [...brand, ...own['channel.security_event']], 'channel.rule.fired': [...brand, ...own['channel.rule.fired']], 'channel.digest.sent': [...brand, ...own['channel.digest.sent']] };
}

export interface HelperDoc { name: string; usage: string; description: string }

// The helper reference shown next to the variables.
export const TEMPLATE_HELPERS: readonly HelperDoc[] = [
  { name: 't', usage: '{{t "digest.sites.more" count=sitesMore}}', description: 'Text in the recipient\'s locale; key parts are joined with "." ({{t "severity" severity}}); hash arguments fill {name}; `count` picks the plural form' },
  { name: 'formatNumber', usage: '{{formatNumber totals.events}}', description: 'Number in the locale (1,234 / 1.234)' },
  { name: 'formatDate', usage: '{{formatDate lastSeenAt "datetime"}}', description: 'Date in the locale and time zone; styles date, long, full, datetime, time, month, day; timeZone="…" overrides' },
  { name: 'truncatePath', usage: '{{truncatePath path 60}}', description: 'Shortens a path keeping its start and file name; strips control and bidi characters' },
  { name: 'plural', usage: '{{plural count "site" "sites"}}', description: 'The first word for a count of one, else the second' },
  { name: 'trend', usage: '{{trend totals.detections previous.detections}}', description: 'Change against the previous period: "+3 (+25%)", "±0"' },
  { name: 'severityColor', usage: '{{severityColor severity}}', description: 'Badge colour for a severity or site risk (white text reads on it)' },
  { name: 'eq / ne / gt / gte / lt / lte', usage: '{{#if (gt sitesMore 0)}}', description: 'Comparisons for conditions' },
  { name: 'and / or / not', usage: '{{#if (and status.allClear (not period.late))}}', description: 'Logic for conditions' },
  { name: 'if / unless / each / with / lookup', usage: '{{#each sites}}…{{else}}…{{/each}}', description: 'Handlebars built-ins' },
];

export const HELPER_NAMES: readonly string[] = [...CUSTOM_HELPERS, ...BUILTIN_HELPERS];
