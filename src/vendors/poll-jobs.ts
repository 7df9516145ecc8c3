import { defineJob, HOUSEKEEPING_POLL_SECONDS } from '../jobs/job';
import type { JobEngine } from '../jobs/job-engine';

// One poll of one vendor account. 'stately' with the account id as singleton key: at most one queued and one
// running per account across all replicas (the poll lease in the table is the second guard).
export const POLL_VENDOR_ACCOUNT = defineJob<{ vendorAccountId: string; force?: boolean }>('vendors.poll', {
  policy: 'stately',
  retryLimit: 3, // for crashes of our own outside a run (the lease, the account update); a run's faults are rescheduled by the poll itself
  retryDelaySeconds: 10,
  expireInSeconds: 30 * 60,
  concurrency: 4,
});

// Every minute: queue a poll for each enabled account whose next_poll_at has come. A safety net: each poll run queues
// the next one for its time itself, and creating, changing or syncing an account polls at once.
export const SCHEDULE_POLLS = defineJob<Record<string, never>>('vendors.schedule-polls', { retryLimit: 1, concurrency: 1, pollSeconds: HOUSEKEEPING_POLL_SECONDS });

// A poll of the account now: a new job, or the one already queued for it (perhaps scheduled for after a backoff)
// brought forward. `force` polls even when the account is not due (an operator's sync).
export async function queuePollNow(jobs: JobEngine, vendorAccountId: string, opts: { force?: boolean } = {}): Promise<boolean> {
  const payload = opts.force ? { vendorAccountId, force: true } : { vendorAccountId };
  if (await jobs.send(POLL_VENDOR_ACCOUNT, payload, { singletonKey: vendorAccountId })) return true;
  if (await jobs.expedite(POLL_VENDOR_ACCOUNT, vendorAccountId, opts.force ? { force: true } : {})) return true;
  // The queued one started in between: queue another behind it.
  return (await jobs.send(POLL_VENDOR_ACCOUNT, payload, { singletonKey: vendorAccountId })) !== null;
}
