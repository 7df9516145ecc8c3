import type { VendorAccountStatus } from './vendor-account.entity';

// An account as the health view and the gauges see it: ids and states, never its name or error text (the view is
// served without a key).
export interface AccountHealthRow {
  id: string;
  organizationId: string;
  vendor: string;
  status: VendorAccountStatus;
  enabled: boolean;
  lastErrorCode: string | null;
  failingSince: Date | null;
  consecutiveFailures: number;
  lastSuccessAt: Date | null;
  createdAt: Date;
  nextPollAt: Date;
}

export interface FailingAccount {
  id: string;
  organizationId: string;
  vendor: string;
  status: 'retrying' | 'failing';
  lastErrorCode: string | null;
  failingSince: string | null;
  failingForSeconds: number;
  consecutiveFailures: number;
  lastSuccessAt: string | null;
  secondsSinceLastSuccess: number | null;
  nextPollAt: string;
}

export interface VendorHealthReport {
  status: 'ok' | 'failing';
  checkedAt: string;
  minFailingSeconds: number;
  accounts: Record<VendorAccountStatus, number>;
  failing: FailingAccount[]; // enabled accounts in retrying or failing, the longest failing first
  failingListed: number; // failing.length, at most the listing limit
  failingTotal: number;
}

// An enabled account whose last run failed: backing off (a 5xx, a timeout, the vendor's 429) or stopped until the
// operator fixes it.
export function isFailing(a: Pick<AccountHealthRow, 'enabled' | 'status'>): boolean {
  return a.enabled && (a.status === 'retrying' || a.status === 'failing');
}

export function secondsBetween(from: Date, now: Date): number {
  return Math.max(0, Math.round((now.getTime() - from.getTime()) / 1000));
}

// The view's status is `failing` (HTTP 503) when an enabled account has been failing for at least minFailingSeconds
// (0: any failing account), so a monitor alerts on the status code alone and can leave out short blips.
export function vendorHealthReport(
  input: { counts: Partial<Record<VendorAccountStatus, number>>; failing: AccountHealthRow[]; failingTotal: number },
  now: Date,
  minFailingSeconds: number,
): VendorHealthReport {
  const failing = input.failing.filter(isFailing).map((a): FailingAccount => {
    const since = a.failingSince ?? a.lastSuccessAt ?? a.createdAt;
    return {
      id: a.id,
      organizationId: a.organizationId,
      vendor: a.vendor,
      status: a.status as FailingAccount['status'],
      lastErrorCode: a.lastErrorCode,
      failingSince: a.failingSince?.toISOString() ?? null,
      failingForSeconds: secondsBetween(since, now),
      consecutiveFailures: a.consecutiveFailures,
      lastSuccessAt: a.lastSuccessAt?.toISOString() ?? null,
      secondsSinceLastSuccess: a.lastSuccessAt ? secondsBetween(a.lastSuccessAt, now) : null,
      nextPollAt: a.nextPollAt.toISOString(),
    };
  });
  const alerting = failing.some((a) => a.failingForSeconds >= minFailingSeconds);
  return {
    status: alerting ? 'failing' : 'ok',
    checkedAt: now.toISOString(),
    minFailingSeconds,
    accounts: { pending: 0, ok: 0, retrying: 0, failing: 0, disabled: 0, ...input.counts },
    failing,
    failingListed: failing.length,
    failingTotal: input.failingTotal,
  };
}
