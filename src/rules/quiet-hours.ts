import { severityRank } from '../events/severity';
import { inLocalPeriod, nextLocalTime } from './local-time';
import type { QuietHours } from './rule-definition';

// A firing in the rule's quiet hours is held until they end (then sent with the others held, one message per
// destination), unless its most severe event reaches the bypass severity. Returns when to send, or null for now.
export function quietHold(q: QuietHours | null, at: Date, timeZone: string, maxSeverity: string | null): Date | null {
  if (!q) return null;
  const tz = q.timeZone ?? timeZone;
  if (!inLocalPeriod(at, q.start, q.end, tz)) return null;
  if (q.bypassSeverity && maxSeverity !== null && severityRank(maxSeverity) >= severityRank(q.bypassSeverity)) return null;
  return nextLocalTime(q.end, tz, at);
}

export function maxSeverity(severities: Iterable<string | null>): string | null {
  let best: string | null = null;
  for (const s of severities) if (s !== null && (best === null || severityRank(s) > severityRank(best))) best = s;
  return best;
}
