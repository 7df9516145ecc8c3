import type { BrandTemplateValues } from '../templates/brand-values';
import { dateFormat } from '../templates/intl-cache';
import { formatPeriodLabel } from '../templates/period-label';
import type { Cadence } from '../digests/digest-period';
import { messageLinks, siteAnchor, SITES_ANCHOR, THREATS_ANCHOR } from './message-links';

// The hosted customer page as HTML: the brand's name, logo, colours and footer as in the mails, no script, no
// external resource but the brand's logo. Every value from events (paths, threat names, domains) is untrusted and is
// HTML-escaped here, in text and attributes alike; URLs only ever come from the brand (checked http(s)/mailto).

export type Protection = 'protected' | 'partial' | 'unprotected' | 'unknown';

// What PAGE_SQL returns (one row).
export interface PageRow {
  sites: { id: string; domain: string; open: number; openRank: number | null; cleaned: number; protection: Protection }[];
  siteTotals: { total: number; unprotected: number; withOpen: number; cleaned: number };
  open: { siteId: string | null; path: string; name: string | null; rank: number | null; occurrences: number; firstSeen: string; lastSeen: string; n: number; m: number; card: boolean }[];
  openTotal: number;
  cleaned: { siteId: string | null; path: string; action: string; at: string }[];
  cleanedTotal: number;
  periodDetections: number | null;
}

export interface PageContext {
  brand: BrandTemplateValues;
  customerName: string;
  timeZone: string;
  now: Date;
  monthStart: Date;
  period: { cadence: Cadence; start: Date; end: Date } | null;
  lookbackDays: number;
  limits: { sites: number; perSite: number; open: number; onCards: number };
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ESC[c]);
// Control characters (vendor data may carry them) would render as nothing or as boxes: shown as U+FFFD.
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
const text = (s: unknown) => esc(clean(String(s ?? '')));
// A path or name of pathological length keeps its start and its end (the file name).
const MAX_CHARS = 600;
export function bounded(s: string): string {
  const chars = [...s];
  return chars.length <= MAX_CHARS ? s : `${chars.slice(0, MAX_CHARS / 2).join('')}…${chars.slice(-(MAX_CHARS / 2 - 1)).join('')}`;
}

const SEVERITY = ['info', 'low', 'medium', 'high', 'critical'];
const severity = (rank: number | null) => (rank === null ? null : SEVERITY[Math.max(0, Math.min(4, rank))]);
const PROTECTION: Record<Protection, string> = { protected: 'Protected', partial: 'Monitoring only', unprotected: 'Not protected', unknown: 'No recent data' };
const ACTION: Record<string, string> = {
  cleanup: 'Cleaned', quarantine: 'Quarantined', file_deleted: 'Deleted', process_killed: 'Process stopped', process_blocked: 'Process blocked',
};
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

const CADENCE_NAME: Record<Cadence, string> = { daily: 'daily', weekly: 'weekly', monthly: 'monthly' };

function shell(brand: BrandTemplateValues, title: string, body: string): string {
  const logo = brand.logoUrl
    ? `<img src="${esc(brand.logoUrl)}" alt="${text(brand.name)}" width="${brand.logoWidth}" style="max-width:100%;height:auto">`
    : `<span class="brand">${text(brand.name)}</span>`;
  // The brand's support page, address or portal; without any of them the page has no support link (not a dead one).
  const support = brand.supportUrl || brand.supportEmail || brand.portalUrl ? messageLinks(brand, () => '').support : null;
  const footer = [brand.footerText, brand.legalText].filter((s) => s && s.trim()).map((s) => `<p>${text(s).replace(/\r?\n/g, '<br>')}</p>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer"><link rel="icon" href="data:,"><title>${text(title)}</title>
<style>
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#111827;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow-wrap:anywhere}
header{background:#fff;border-top:4px solid ${brand.primaryColor};padding:16px}
header .in,main,footer .in{max-width:48rem;margin:0 auto}
.brand{font-weight:700;font-size:1.25rem}
main{padding:16px}
h1{font-size:1.5rem;line-height:1.25;margin:8px 0}
h2{font-size:1.2rem;margin:32px 0 8px}
h3{font-size:1.05rem;margin:0}
a{color:${brand.linkColor}}
.muted{color:#4b5563;font-size:.9rem}
.figures{display:flex;flex-wrap:wrap;gap:8px;margin:16px 0;padding:0;list-style:none}
.figures li{flex:1 1 9rem;background:#fff;border-radius:8px;padding:12px;border:1px solid #e5e7eb}
.figures b{display:block;font-size:1.5rem}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px;margin:8px 0}
.card:target{outline:3px solid ${brand.accentColor}}
.head{display:flex;flex-wrap:wrap;gap:4px 8px;align-items:baseline;justify-content:space-between}
.badge{display:inline-block;font-size:.8rem;font-weight:600;border-radius:999px;padding:0 8px;white-space:nowrap}
.protected{background:#ecfdf5;color:#065f46}.partial{background:#fffbeb;color:#92400e}.unprotected{background:#fef2f2;color:#991b1b}.unknown{background:#f3f4f6;color:#374151}
.sev-critical,.sev-high{background:#fef2f2;color:#991b1b}.sev-medium{background:#fffbeb;color:#92400e}.sev-low,.sev-info{background:#eff6ff;color:#1e40af}
ul.items{list-style:none;margin:8px 0 0;padding:0}
ul.items li{padding:8px 0;border-top:1px solid #f3f4f6}
code{font:.85rem/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all;overflow-wrap:anywhere;background:#f9fafb;padding:0 2px}
.ok{border-left:4px solid #047857;background:#ecfdf5;padding:12px;border-radius:4px}
footer{padding:16px;color:#4b5563;font-size:.85rem}
@media (prefers-color-scheme:dark){body{background:#111827;color:#f9fafb}header,.card,.figures li{background:#1f2937;border-color:#374151}
a{color:${brand.linkColorDark}}.muted,footer{color:#d1d5db}code{background:#111827}.ok{background:#064e3b}ul.items li{border-color:#374151}}
</style></head>
<body><header><div class="in">${logo}</div></header>
<main>${body}</main>
<footer><div class="in">${footer}${support ? `<p><a href="${esc(support)}">Support</a></p>` : ''}</div></footer>
</body></html>`;
}

export function renderCustomerPage(row: PageRow, ctx: PageContext): string {
  const { brand, timeZone } = ctx;
  const when = (v: string | Date) => dateFormat('en', 'datetime', timeZone).format(new Date(v));
  const month = dateFormat('en', 'month', timeZone).format(ctx.monthStart);
  const domains = new Map(row.sites.map((s) => [s.id, s.domain]));
  const siteName = (id: string | null) => (id === null ? 'not linked to a site' : domains.get(id) ?? 'another site');

  const intro = ctx.period
    ? `<p>You came here from your ${CADENCE_NAME[ctx.period.cadence]} security summary for <strong>${text(formatPeriodLabel(ctx.period.cadence, ctx.period.start, ctx.period.end, 'en', timeZone))}</strong>${
      row.periodDetections !== null ? ` (${plural(row.periodDetections, 'detection')} in that period)` : ''}. Below is the state of your sites now.</p>`
    : '';
  const figures = `<ul class="figures">
<li><b>${row.openTotal.toLocaleString('en')}</b>open ${row.openTotal === 1 ? 'threat' : 'threats'}</li>
<li><b>${row.cleanedTotal.toLocaleString('en')}</b>cleaned in ${text(month)}</li>
<li><b>${row.siteTotals.total.toLocaleString('en')}</b>${row.siteTotals.total === 1 ? 'site' : 'sites'}${row.siteTotals.unprotected ? `, ${row.siteTotals.unprotected.toLocaleString('en')} not protected` : ''}</li>
</ul>`;

  const threat = (o: PageRow['open'][number], withSite: boolean) => {
    const sev = severity(o.rank);
    return `<li>${sev ? `<span class="badge sev-${sev}">${sev}</span> ` : ''}<strong>${text(bounded(o.name ?? 'Threat'))}</strong>${
      withSite ? ` on ${o.siteId ? `<a href="#${siteAnchor(o.siteId)}">${text(siteName(o.siteId))}</a>` : text(siteName(null))}` : ''}<br>
<code>${text(bounded(o.path) || '(no path)')}</code><br><span class="muted">First seen ${text(when(o.firstSeen))}, last seen ${text(when(o.lastSeen))}${
      o.occurrences > 1 ? `, ${plural(o.occurrences, 'event')}` : ''}</span></li>`;
  };
  const top = row.open.filter((o) => o.m <= ctx.limits.open);
  const threats = `<section id="${THREATS_ANCHOR}"><h2>Open threats</h2>${
    row.openTotal === 0
      ? `<p class="ok">No open threats were found in the last ${ctx.lookbackDays} days.</p>`
      : `<p class="muted">Threats found in the last ${ctx.lookbackDays} days that have not been cleaned yet, most severe first.</p>
<div class="card"><ul class="items">${top.map((o) => threat(o, true)).join('')}</ul>${
        row.openTotal > top.length ? `<p class="muted">The ${top.length} most severe of ${row.openTotal.toLocaleString('en')} open threats; each site below shows its own.</p>` : ''}</div>`
  }</section>`;

  const cleanedItem = (c: PageRow['cleaned'][number]) =>
    `<li>${text(ACTION[c.action] ?? 'Cleaned')} ${text(when(c.at))}<br><code>${text(bounded(c.path) || '(no path)')}</code></li>`;
  const card = (s: PageRow['sites'][number]) => {
    const open = row.open.filter((o) => o.siteId === s.id && o.card);
    const cleaned = row.cleaned.filter((c) => c.siteId === s.id);
    return `<article class="card" id="${siteAnchor(s.id)}"><div class="head"><h3>${text(s.domain)}</h3><span class="badge ${s.protection}">${PROTECTION[s.protection]}</span></div>
<p class="muted">${plural(s.open, 'open threat')} · ${plural(s.cleaned, 'threat')} cleaned in ${text(month)}</p>${
      open.length ? `<ul class="items">${open.map((o) => threat(o, false)).join('')}</ul>${s.open > open.length ? `<p class="muted">and ${plural(s.open - open.length, 'more open threat')}</p>` : ''}` : ''}${
      cleaned.length ? `<p class="muted"><strong>Cleaned in ${text(month)}</strong></p><ul class="items">${cleaned.map(cleanedItem).join('')}</ul>${
        s.cleaned > cleaned.length ? `<p class="muted">and ${plural(s.cleaned - cleaned.length, 'more')}</p>` : ''}` : ''}</article>`;
  };
  const unlinked = row.open.filter((o) => o.siteId === null && o.n <= ctx.limits.perSite);
  const sitesMore = row.siteTotals.total - row.sites.length;
  const sites = `<section id="${SITES_ANCHOR}"><h2>Your sites</h2>${row.sites.length ? row.sites.map(card).join('') : '<p class="muted">No sites are registered yet.</p>'}${
    unlinked.length ? `<article class="card"><h3>Not linked to a site</h3><ul class="items">${unlinked.map((o) => threat(o, false)).join('')}</ul></article>` : ''}${
    sitesMore > 0 ? `<p class="muted">${plural(sitesMore, 'more site')} without open threats ${sitesMore === 1 ? 'is' : 'are'} not listed.</p>` : ''}</section>`;

  const body = `<h1>Security status of ${text(ctx.customerName)}</h1>
<p class="muted">As of ${text(when(ctx.now))} (${text(timeZone)})</p>${intro}${figures}${threats}${sites}`;
  return shell(brand, `${brand.name}: security status`, body);
}

export type LinkProblem = 'invalid' | 'expired' | 'revoked';

const PROBLEM: Record<LinkProblem, [string, string]> = {
  invalid: ['This link is not valid', 'Check that the whole link was copied, or use the link in your most recent security summary.'],
  expired: ['This link has expired', 'Links to this page work for a limited time. Use the link in your most recent security summary.'],
  revoked: ['This link is no longer valid', 'Your provider has replaced the links to this page. Use the link in your most recent security summary.'],
};

// An expired or revoked link names the brand (the signature proved which customer it was for); an invalid one cannot.
export function renderLinkProblem(problem: LinkProblem, brand: BrandTemplateValues | null): string {
  const [title, detail] = PROBLEM[problem];
  const body = `<h1>${title}</h1><p>${detail}</p>`;
  if (brand) return shell(brand, `${brand.name}: ${title}`, body);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer"><link rel="icon" href="data:,"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#111827}</style></head><body>${body}</body></html>`;
}
