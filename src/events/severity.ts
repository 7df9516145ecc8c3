import { Severity, SEVERITIES } from './normalized-event';

// The documented scale as numbers, for sorting and "at least" filters: critical 4 … info 0 (unknown also 0).
export function severityRank(s: Severity | string | null | undefined): number {
  const i = SEVERITIES.indexOf(s as Severity);
  return i < 0 ? 0 : SEVERITIES.length - 1 - i;
}
