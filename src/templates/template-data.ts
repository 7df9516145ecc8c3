import type { EventKind, Severity } from '../events/normalized-event';
import type { BrandTemplateValues } from './brand-values';
import type { Cadence } from './period-label';

// What the templates display. The digest aggregation fills DigestTemplateData; the renderer sets `brand` from the
// compiled brand. Dates are ISO 8601 strings (UTC instants); templates format them in `timeZone` and `locale`.
export type SiteRisk = Severity | 'none';
export type ProtectionStatus = 'protected' | 'partial' | 'unprotected' | 'unknown';
export type ThreatStatus = 'cleaned' | 'quarantined' | 'outstanding';

// Top-N lists bound what a digest aggregates and shows; the rest goes into "and N more". What is sent is then held
// under Gmail's 102 KB clipping limit by measuring it (src/digests/digest-fit.ts), which may list fewer.
export const DIGEST_LIST_LIMITS = { sites: 25, topThreats: 20 } as const;

export interface PeriodTotals {
  events: number;
  detections: number;
  cleanups: number;
  quarantines: number;
  processesKilled: number;
  processesBlocked: number;
  filesDeleted: number;
}

export interface KindCount { kind: EventKind; count: number; previous: number }
export interface SeverityCount { severity: Severity; count: number; previous: number }

export interface SiteSummary {
  id: string;
  domain: string;
  risk: SiteRisk; // highest severity still outstanding, else of the period, else none
  detections: number;
  cleaned: number;
  outstanding: number;
  protection: ProtectionStatus;
  lastEventAt: string | null;
  url: string;
}

export interface ThreatSummary {
  name: string;
  path: string; // full path; templates shorten it with truncatePath
  domain: string;
  severity: Severity;
  kind: EventKind;
  status: ThreatStatus;
  occurrences: number;
  lastSeenAt: string;
  url: string;
}

export interface CustomerRef { id: string; name: string }

export interface DigestTemplateData {
  locale: string;
  timeZone: string;
  cadence: Cadence;
  generatedAt: string;
  brand: BrandTemplateValues;
  customer: CustomerRef;
  recipient: { email: string };
  period: { start: string; end: string; label: string; late: boolean };
  previousPeriod: { start: string; end: string; label: string };
  totals: PeriodTotals & { byKind: KindCount[]; bySeverity: SeverityCount[] };
  previous: PeriodTotals & { threats: number; cleaned: number; outstanding: number };
  // The headline: the period's threats (a file, process or threat name on a site), each either cleaned (cleaned,
  // quarantined, deleted, stopped or blocked by its last event) or outstanding, so threats = cleaned + outstanding.
  status: {
    threats: number;
    cleaned: number;
    outstanding: number;
    sitesTotal: number;
    sitesAffected: number;
    sitesProtected: number;
    sitesUnprotected: number;
    sitesCleanedThisMonth: number;
    allClear: boolean;
    empty: boolean;
  };
  sites: SiteSummary[];
  sitesMore: number;
  topThreats: ThreatSummary[];
  topThreatsMore: number;
  links: { portal: string; sites: string; threats: string; support: string; preferences: string; unsubscribe: string };
}

export interface TicketTemplateData {
  locale: string;
  timeZone: string;
  brand: BrandTemplateValues;
  customer: CustomerRef;
  site: { id: string; domain: string; server: string | null; protection: ProtectionStatus; url: string };
  event: {
    id: string;
    kind: EventKind;
    severity: Severity;
    threatName: string | null;
    filePath: string | null;
    fileHash: string | null;
    process: string | null;
    occurredAt: string;
    status: ThreatStatus;
  };
  links: { portal: string; event: string; support: string };
}

// One event of a kind the customer marked urgent, e-mailed at once (the managed urgent-kinds rule, or any rule's action
// {recipients: 'customer', templateKind: 'alert.urgent'}).
export interface AlertTemplateData {
  locale: string;
  timeZone: string;
  brand: BrandTemplateValues;
  customer: CustomerRef;
  site: { id: string | null; domain: string; url: string };
  event: {
    id: string;
    kind: EventKind;
    severity: Severity | null;
    threatName: string | null;
    filePath: string | null;
    process: string | null;
    server: string | null;
    occurredAt: string;
  };
  links: { portal: string; threats: string; support: string; preferences: string };
}

// What a rule's e-mail says: one firing (or several held together by quiet hours, `firings` > 1 then).
export interface RuleTemplateData {
  locale: string;
  timeZone: string;
  brand: BrandTemplateValues;
  customer: CustomerRef;
  rule: { id: string; name: string };
  trigger: string; // event, threshold, transition, schedule
  firedAt: string;
  incident: string;
  firings: number;
  eventCount: number;
  more: number;
  suppressed: number;
  count: number | null; // threshold: the count reached
  threshold: number | null;
  from: string | null; // transition: the state left
  to: string | null; // transition: the state reached
  update: boolean; // transition with updates: a later firing of the incident still open (from = to)
  periodStart: string | null; // schedule: the period reported
  periodEnd: string | null;
  events: { id: string; kind: EventKind; severity: Severity | null; threatName: string | null; filePath: string | null; domain: string | null; occurredAt: string }[];
  links: { portal: string; support: string };
}

export type TemplateData = DigestTemplateData | TicketTemplateData | AlertTemplateData | RuleTemplateData;
