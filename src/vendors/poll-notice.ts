import type { VendorAccountStatus } from './vendor-account.entity';

// Failed runs in a row after which a vendor error that is retried (5xx, timeouts, network) is worth telling the
// operator: the account retries with backoff on its own meanwhile, and a blip of one or two runs is no news.
export const POLL_NOTICE_AFTER_FAILURES = 5;

type AccountState = { status: VendorAccountStatus | string; consecutiveFailures: number };

const noticed = (a: AccountState) => a.status === 'failing' || a.consecutiveFailures >= POLL_NOTICE_AFTER_FAILURES;

// Whether a poll run's end is news for the operator: 'failing' when the account has just used up its retries (a
// permanent fault, or the streak reaching POLL_NOTICE_AFTER_FAILURES), once per streak; 'recovered' when a run
// succeeds after such a streak. A streak restarted by a run that made progress counts as a new one.
export function pollNotice(before: AccountState, after: AccountState | 'ok'): 'failing' | 'recovered' | null {
  if (after === 'ok') return noticed(before) ? 'recovered' : null;
  if (!noticed(after)) return null;
  const sameStreak = after.consecutiveFailures > 1;
  return sameStreak && noticed(before) ? null : 'failing';
}
