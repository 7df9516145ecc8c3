// What a failed attempt means for its delivery. Pure: the schedule comes from config (DELIVERY_RETRY_SCHEDULE).
export type FailureDecision = { status: 'failed'; retryInSeconds: number } | { status: 'dead'; reason: 'permanent' | 'gave_up' };

// roundAttempts: attempts made in the current round, this one included (a replay starts a new round). The n-th
// failure waits schedule[n - 1]; after schedule.length retries the delivery gives up.
export function decideFailure(permanent: boolean, roundAttempts: number, schedule: readonly number[]): FailureDecision {
  if (permanent) return { status: 'dead', reason: 'permanent' };
  const delay = roundAttempts >= 1 && roundAttempts <= schedule.length ? schedule[roundAttempts - 1] : null;
  return delay === null ? { status: 'dead', reason: 'gave_up' } : { status: 'failed', retryInSeconds: delay };
}

// Most attempts a round can take: the first plus one per entry of the schedule.
export const maxAttempts = (schedule: readonly number[]) => schedule.length + 1;
