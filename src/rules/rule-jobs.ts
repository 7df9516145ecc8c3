import { defineJob, HOUSEKEEPING_POLL_SECONDS } from '../jobs/job';

export interface FlushFiringPayload {
  firingId: string;
}

// The end of a firing's group window (or of its quiet hours): its deliveries go out then. Dedupe key: firing + send time.
export const FLUSH_FIRING = defineJob<FlushFiringPayload>('rules.flush-firing', { retryLimit: 5, concurrency: 2 });
// Every 5 minutes, once across replicas: agents silent for longer than their rule's staleHours turn stale.
export const STALE_AGENTS = defineJob<Record<string, never>>('rules.stale-agents', { retryLimit: 1, concurrency: 1, expireInSeconds: 5 * 60, pollSeconds: HOUSEKEEPING_POLL_SECONDS });
// Every minute, once across replicas: schedule rules whose cron came due in a customer's (or the rule's) zone.
export const RUN_SCHEDULES = defineJob<Record<string, never>>('rules.run-schedules', { retryLimit: 1, concurrency: 1, expireInSeconds: 10 * 60, pollSeconds: HOUSEKEEPING_POLL_SECONDS });
