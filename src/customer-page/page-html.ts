import type { BrandTemplateValues } from '../templates/brand-values';
import { dateFormat } from '../templates/intl-cache';
import { formatPeriodLabel } from '../templates/period-label';
import type { Cadence } from '../digests/digest-period';
import { messageLinks, siteAnchor, SITES_ANCHOR, THREATS_ANCHOR } from '../digests/message-links';
import { Plural, pageStrings, say } from './page-strings';

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
  lang: string; // a locale of page-strings.ts (pageLocale)
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

const SEVERITY = ['info', 'low', 'medium', 'high', 'critical'] as const;
const severity = (rank: number | null) => (rank === null ? null : SEVERITY[Math.max(0, Math.min(4, rank))]);

function shell(lang: string, brand: BrandTemplateValues, title: string, body: string): string {
  const S = pageStrings(lang);
  const logo = brand.logoUrl
    ? `<img src="${esc(brand.logoUrl)}" alt="${text(brand.name)}" width="${brand.logoWidth}" style="max-width:100%;height:auto">`
    : `<span class="brand">${text(brand.name)}</span>`;
  // The brand's support page, address or portal; without any of them the page has no support link (not a dead one).
  const support = brand.supportUrl || brand.supportEmail || brand.portalUrl ? messageLinks(brand, () => '').support : null;
  const footer = [brand.footerText, brand.legalText].filter((s) => s && s.trim()).map((s) => `<p>${text(s).replace(/\r?\n/g, '<br>')}</p>`).join('');
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
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
<footer><div class="in">${footer}${support ? `<p><a href="${esc(support)}">${S.support}</a></p>` : ''}</div></footer>
</body></html>`;
}

export function renderCustomerPage(row: PageRow, ctx: PageContext): string {
  const { brand, timeZone, lang } = ctx;
  const S = pageStrings(lang);
  // The page's own strings hold no markup; every value put into them is escaped HTML.
  const t = (str: string | Plural, vars: Record<string, string | number> = {}) => say(lang, str, vars);
  const when = (v: string | Date) => text(dateFormat(lang, 'datetime', timeZone).format(new Date(v)));
  const month = text(dateFormat(lang, 'month', timeZone).format(ctx.monthStart));
  const domains = new Map(row.sites.map((s) => [s.id, s.domain]));

  const intro = ctx.period
    ? `<p>${t(S.fromDigest, { period: `<strong>${text(formatPeriodLabel(ctx.period.cadence, ctx.period.start, ctx.period.end, lang, timeZone))}</strong>` })}${
      row.periodDetections !== null ? ` ${t(S.periodDetections, { count: row.periodDetections })}` : ''} ${S.below}</p>`
    : '';
  const n = (v: number) => v.toLocaleString(lang);
  const figures = `<ul class="figures">
<li><b>${n(row.openTotal)}</b>${t(S.openThreats, { count: row.openTotal })}</li>
<li><b>${n(row.cleanedTotal)}</b>${t(S.cleanedIn, { month })}</li>
<li><b>${n(row.siteTotals.total)}</b>${t(S.sites, { count: row.siteTotals.total })}${row.siteTotals.unprotected ? `, ${t(S.notProtected, { count: row.siteTotals.unprotected })}` : ''}</li>
</ul>`;

  const threat = (o: PageRow['open'][number], withSite: boolean) => {
    const sev = severity(o.rank);
    const site = o.siteId ? `<a href="#${siteAnchor(o.siteId)}">${text(domains.get(o.siteId) ?? '')}</a>` : S.notLinked;
    return `<li>${sev ? `<span class="badge sev-${sev}">${S.severity[sev]}</span> ` : ''}<strong>${text(bounded(o.name ?? S.threat))}</strong>${
      withSite && (o.siteId === null || domains.has(o.siteId)) ? ` ${t(S.on, { site })}` : ''}<br>
<code>${text(bounded(o.path)) || S.noPath}</code><br><span class="muted">${t(S.seen, { first: when(o.firstSeen), last: when(o.lastSeen) })}${
      o.occurrences > 1 ? ` · ${t(S.events, { count: o.occurrences })}` : ''}</span></li>`;
  };
  const top = row.open.filter((o) => o.m <= ctx.limits.open);
  const days = ctx.lookbackDays;
  const threats = `<section id="${THREATS_ANCHOR}"><h2>${S.threatsHeading}</h2>${
    row.openTotal === 0
      ? `<p class="ok">${t(S.noOpen, { days })}</p>`
      : `<p class="muted">${t(S.openIntro, { days })}</p>
<div class="card"><ul class="items">${top.map((o) => threat(o, true)).join('')}</ul>${
        row.openTotal > top.length ? `<p class="muted">${t(S.topOf, { shown: top.length, total: row.openTotal })}</p>` : ''}</div>`
  }</section>`;

  const action = (a: string) => (S.action as Record<string, string>)[a] ?? S.action.cleanup;
  const cleanedItem = (c: PageRow['cleaned'][number]) => `<li>${action(c.action)} ${when(c.at)}<br><code>${text(bounded(c.path)) || S.noPath}</code></li>`;
  const card = (s: PageRow['sites'][number]) => {
    const open = row.open.filter((o) => o.siteId === s.id && o.card);
    const cleaned = row.cleaned.filter((c) => c.siteId === s.id);
    return `<article class="card" id="${siteAnchor(s.id)}"><div class="head"><h3>${text(s.domain)}</h3><span class="badge ${s.protection}">${S.protection[s.protection]}</span></div>
<p class="muted">${t(S.siteOpen, { count: s.open })} · ${t(S.siteCleaned, { count: s.cleaned, month })}</p>${
      open.length ? `<ul class="items">${open.map((o) => threat(o, false)).join('')}</ul>${s.open > open.length ? `<p class="muted">${t(S.moreOpen, { count: s.open - open.length })}</p>` : ''}` : ''}${
      cleaned.length ? `<p class="muted"><strong>${t(S.cleanedHeading, { month })}</strong></p><ul class="items">${cleaned.map(cleanedItem).join('')}</ul>${
        s.cleaned > cleaned.length ? `<p class="muted">${t(S.more, { count: s.cleaned - cleaned.length })}</p>` : ''}` : ''}</article>`;
  };
  const unlinked = row.open.filter((o) => o.siteId === null);
  const sitesMore = row.siteTotals.total - row.sites.length;
  const sites = `<section id="${SITES_ANCHOR}"><h2>${S.sitesHeading}</h2>${row.sites.length ? row.sites.map(card).join('') : `<p class="muted">${S.noSites}</p>`}${
    unlinked.length ? `<article class="card"><h3>${S.notLinked}</h3><ul class="items">${unlinked.map((o) => threat(o, false)).join('')}</ul></article>` : ''}${
    sitesMore > 0 ? `<p class="muted">${t(S.sitesMore, { count: sitesMore })}</p>` : ''}</section>`;

  const body = `<h1>${t(S.heading, { customer: text(ctx.customerName) })}</h1>
<p class="muted">${t(S.asOf, { time: when(ctx.now), zone: text(timeZone) })}</p>${intro}${figures}${threats}${sites}`;
  return shell(lang, brand, say(lang, S.title, { brand: brand.name }), body);
}

export type LinkProblem = 'invalid' | 'expired' | 'revoked';

// An expired or revoked link names the brand and speaks the customer's language (the signature proved which customer
// it was for); an invalid one can do neither.
export function renderLinkProblem(problem: LinkProblem, brand: BrandTemplateValues | null, lang = 'en'): string {
  const [title, detail] = pageStrings(lang).problems[problem];
  const body = `<h1>${title}</h1><p>${detail}</p>`;
  if (brand) return shell(lang, brand, `${brand.name}: ${title}`, body);
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer"><link rel="icon" href="data:,"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#111827}</style></head><body>${body}</body></html>`;
}
