import { severityRank } from '../events/severity';
import type { RuleFilter, RuleScope } from './rule-definition';

// What a rule reads of an event: the stored columns plus the customer's brand (joined in).
export interface RuleEvent {
  id: string;
  kind: string;
  severity: string | null;
  classification: string | null;
  threatName: string | null;
  filePath: string | null;
  process: string | null;
  customerId: string | null;
  siteId: string | null;
  brandId: string | null;
  server: string | null;
  vendorAccountId: string | null;
  source: string;
  occurredAt: Date;
  raw?: unknown;
  vendorType?: string;
  customerUrgentKinds?: readonly string[]; // kinds its customer sends at once (none while digests are off or the customer is not active)
}

const globs = new Map<string, RegExp>();

// A threat-name glob as a whole-string, case-insensitive pattern; everything but * and ? is literal.
export function globToRegExp(glob: string): RegExp {
  let re = globs.get(glob);
  if (!re) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 'is');
    globs.set(glob, re);
  }
  return re;
}

// The same glob as an SQL LIKE pattern (for ILIKE), so live SQL and this function agree.
export function globToLike(glob: string): string {
  return glob.replace(/[\\%_]/g, '\\$&').replace(/\*/g, '%').replace(/\?/g, '_');
}

const anyOf = (list: readonly string[] | undefined, v: string | null): boolean => !list?.length || (v !== null && list.includes(v));

export function matchesFilter(f: RuleFilter | undefined, e: RuleEvent): boolean {
  if (!f) return true;
  if (!anyOf(f.kinds, e.kind)) return false;
  // An event without a severity is below every minimum (severityRank puts it with 'info').
  if (f.minSeverity && (e.severity === null || severityRank(e.severity) < severityRank(f.minSeverity))) return false;
  if (!anyOf(f.classifications, e.classification)) return false;
  if (f.threatName && (e.threatName === null || !globToRegExp(f.threatName).test(e.threatName))) return false;
  if (!anyOf(f.customerIds, e.customerId)) return false;
  if (!anyOf(f.siteIds, e.siteId)) return false;
  if (!anyOf(f.brandIds, e.brandId)) return false;
  if (!anyOf(f.servers, e.server)) return false;
  if (!anyOf(f.vendorAccountIds, e.vendorAccountId)) return false;
  if (!anyOf(f.sources, e.source)) return false;
  if (f.urgentKindsOfCustomer && !e.customerUrgentKinds?.includes(e.kind)) return false;
  return true;
}

// Who a rule applies to: the whole organization, or its brands / customers (an event of no customer is outside a scoped rule).
export function inScope(s: RuleScope | undefined, e: RuleEvent): boolean {
  return anyOf(s?.brandIds, e.brandId) && anyOf(s?.customerIds, e.customerId);
}
