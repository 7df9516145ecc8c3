// What a failed attempt means for its delivery. Pure: the schedule comes from the destination (config.retrySchedule)
// or, for a delivery without one, from config (DELIVERY_RETRY_SCHEDULE).
export type FailureDecision = { status: 'failed'; retryInSeconds: number } | { status: 'dead'; reason: 'permanent' | 'gave_up' };

// Svix's schedule: the first attempt immediately, then retries 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after
// each failure (8 attempts over about 27 h). The default of a webhook destination.
export const SVIX_RETRY_SCHEDULE: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 36000];
export const JITTER = 0.2;

// roundAttempts: attempts made in the current round, this one included (a replay starts a new round). The n-th
// failure waits schedule[n - 1]; after schedule.length retries the delivery gives up. retryAfterSeconds: what the
// target asked for (429/503 Retry-After), used instead of the step but never longer than the schedule's longest step.
export function decideFailure(permanent: boolean, roundAttempts: number, schedule: readonly number[], retryAfterSeconds: number | null = null): FailureDecision {
  if (permanent) return { status: 'dead', reason: 'permanent' };
  const delay = roundAttempts >= 1 && roundAttempts <= schedule.length ? schedule[roundAttempts - 1] : null;
  if (delay === null) return { status: 'dead', reason: 'gave_up' };
  if (retryAfterSeconds !== null && retryAfterSeconds >= 0) return { status: 'failed', retryInSeconds: Math.min(retryAfterSeconds, Math.max(...schedule)) };
  return { status: 'failed', retryInSeconds: delay };
}

// A step with ±20% jitter, so that many deliveries failing together do not retry together. random: [0, 1).
export function jitter(seconds: number, random: () => number = Math.random): number {
  return seconds * (1 - JITTER + 2 * JITTER * random());
}

// Most attempts a round can take: the first plus one per entry of the schedule.
export const maxAttempts = (schedule: readonly number[]) => schedule.length + 1;
