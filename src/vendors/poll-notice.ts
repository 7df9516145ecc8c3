import type { VendorAccountStatus } from './vendor-account.entity';

// Failed runs in a row after which a vendor error that is retried (5xx, timeouts, network) is worth telling the
// operator: the account retries with backoff on its own meanwhile, and a blip of one or two runs is no news.
export const POLL_NOTICE_AFTER_FAILURES = 5;

// Whether a poll run's end is news for the operator: 'failing' when the account has used up its retries (a permanent
// fault stops it at once; a retried one counts to POLL_NOTICE_AFTER_FAILURES) and the streak was not told yet;
// 'recovered' when a run succeeds after a streak that was told. `noticed`: this streak was told already.
export function pollNotice(after: { status: VendorAccountStatus | string; consecutiveFailures: number } | 'ok', noticed: boolean): 'failing' | 'recovered' | null {
  if (after === 'ok') return noticed ? 'recovered' : null;
  if (noticed) return null;
  return after.status === 'failing' || after.consecutiveFailures >= POLL_NOTICE_AFTER_FAILURES ? 'failing' : null;
}
