import type { BrandTemplateValues } from '../templates/brand-values';
import { formatPeriodLabel } from '../templates/period-label';
import {
  DIGEST_LIST_LIMITS, DigestTemplateData, KindCount, PeriodTotals, ProtectionStatus, SeverityCount, SiteRisk, SiteSummary, ThreatStatus, ThreatSummary,
} from '../templates/template-data';
import { EVENT_KINDS, EventKind, Severity, SEVERITIES } from '../events/normalized-event';
import type { Cadence, PeriodWindow } from './digest-period';

// What DIGEST_SQL returns (one row).
export interface DigestRow {
  kinds: { kind: string; cur: boolean; n: number }[];
  severities: { rank: number; cur: boolean; n: number }[];
  statuses: { cur: boolean; status: ThreatStatus; n: number }[];
  top: { path: string; name: string | null; domain: string; rank: number | null; kind: string; status: ThreatStatus; occurrences: number; lastSeen: string; siteId: string | null }[];
  threats: number;
  sites: { id: string; domain: string; detections: number; cleaned: number; outstanding: number; openRank: number | null; rank: number | null; lastSeen: string | null; protection: ProtectionStatus }[];
  siteTotals: { total: number; affected: number; protected: number; unprotected: number };
  sitesCleanedThisMonth: number;
}

export interface DigestContext {
  cadence: Cadence;
  locale: string;
  timeZone: string;
  now: Date;
  period: PeriodWindow;
  previous: PeriodWindow;
  late: boolean;
  brand: BrandTemplateValues;
  customer: { id: string; name: string };
  recipients: string[];
  links: DigestTemplateData['links'];
  siteUrl: (siteId: string) => string;
}

// Severity by its rank (critical 4 … info 0).
const severityOf = (rank: number | null | undefined): Severity => SEVERITIES[SEVERITIES.length - 1 - Math.max(0, Math.min(4, rank ?? 0))];
const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());

// A path a template can show: the start and the file name survive, the middle of a very long one goes.
export function boundedPath(path: string, max = 300): string {
  const chars = [...path];
  if (chars.length <= max) return path;
  const head = Math.ceil((max - 1) / 2);
  return chars.slice(0, head).join('') + '…' + chars.slice(chars.length - (max - 1 - head)).join('');
}

const clip = (s: string, max: number) => ([...s].length <= max ? s : [...s].slice(0, max - 1).join('') + '…');

function totals(counts: Map<string, number>): PeriodTotals {
  const n = (k: EventKind) => counts.get(k) ?? 0;
  return {
    events: [...counts.values()].reduce((a, b) => a + b, 0),
    detections: n('detection'), cleanups: n('cleanup'), quarantines: n('quarantine'),
    processesKilled: n('process_killed'), processesBlocked: n('process_blocked'), filesDeleted: n('file_deleted'),
  };
}

export function toTemplateData(row: DigestRow, ctx: DigestContext): DigestTemplateData {
  const cur = new Map<string, number>();
  const prev = new Map<string, number>();
  for (const k of row.kinds) (k.cur ? cur : prev).set(k.kind, k.n);
  const byKind: KindCount[] = EVENT_KINDS.filter((k) => cur.has(k) || prev.has(k))
    .map((kind) => ({ kind, count: cur.get(kind) ?? 0, previous: prev.get(kind) ?? 0 }))
    .filter((k) => k.count > 0 || k.previous > 0);
  const sev = new Map<string, { count: number; previous: number }>();
  for (const s of row.severities) {
    const name = severityOf(s.rank);
    const entry = sev.get(name) ?? { count: 0, previous: 0 };
    if (s.cur) entry.count += s.n;
    else entry.previous += s.n;
    sev.set(name, entry);
  }
  const bySeverity: SeverityCount[] = SEVERITIES.filter((s) => sev.has(s)).map((severity) => ({ severity, ...sev.get(severity)! }));
  const threatCount = (isCur: boolean, cleaned: boolean) =>
    row.statuses.filter((s) => s.cur === isCur && (s.status === 'outstanding') !== cleaned).reduce((a, s) => a + s.n, 0);
  const current = totals(cur);
  const outstanding = threatCount(true, false);
  const sites: SiteSummary[] = row.sites.slice(0, DIGEST_LIST_LIMITS.sites).map((s) => ({
    id: s.id,
    domain: clip(s.domain, 253),
    risk: (s.outstanding > 0 ? severityOf(s.openRank) : s.rank !== null ? severityOf(s.rank) : 'none') as SiteRisk,
    detections: s.detections,
    cleaned: s.cleaned,
    outstanding: s.outstanding,
    protection: s.protection,
    lastEventAt: iso(s.lastSeen),
    url: ctx.siteUrl(s.id),
  }));
  const topThreats: ThreatSummary[] = row.top.slice(0, DIGEST_LIST_LIMITS.topThreats).map((t) => ({
    name: clip(t.name ?? t.kind, 200),
    path: boundedPath(t.path),
    domain: clip(t.domain, 253),
    severity: severityOf(t.rank),
    kind: t.kind as EventKind,
    status: t.status,
    occurrences: t.occurrences,
    lastSeenAt: iso(t.lastSeen)!,
    url: ctx.links.threats,
  }));
  const label = (p: PeriodWindow) => formatPeriodLabel(ctx.cadence, p.start, p.end, ctx.locale, ctx.timeZone);
  return {
    locale: ctx.locale,
    timeZone: ctx.timeZone,
    cadence: ctx.cadence,
    generatedAt: ctx.now.toISOString(),
    brand: ctx.brand,
    customer: ctx.customer,
    recipient: { email: ctx.recipients.join(', ') },
    period: { start: ctx.period.start.toISOString(), end: ctx.period.end.toISOString(), label: label(ctx.period), late: ctx.late },
    previousPeriod: { start: ctx.previous.start.toISOString(), end: ctx.previous.end.toISOString(), label: label(ctx.previous) },
    totals: { ...current, byKind, bySeverity },
    previous: { ...totals(prev), threats: threatCount(false, true) + threatCount(false, false), cleaned: threatCount(false, true), outstanding: threatCount(false, false) },
    status: {
      threats: threatCount(true, true) + outstanding,
      cleaned: threatCount(true, true),
      outstanding,
      sitesTotal: row.siteTotals.total,
      sitesAffected: row.siteTotals.affected,
      sitesProtected: row.siteTotals.protected,
      sitesUnprotected: row.siteTotals.unprotected,
      sitesCleanedThisMonth: row.sitesCleanedThisMonth,
      allClear: outstanding === 0 && row.siteTotals.unprotected === 0,
      empty: current.events === 0,
    },
    sites,
    sitesMore: Math.max(0, row.siteTotals.total - sites.length),
    topThreats,
    topThreatsMore: Math.max(0, row.threats - topThreats.length),
    links: ctx.links,
  };
}
