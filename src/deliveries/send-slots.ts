// A destination's rate limit as reserved send slots (epoch ms, ascending): a sliding log. A new send may go at the
// first moment that keeps every window of `windowMs` at `limit` sends or fewer: now while fewer than `limit` slots
// lie in the last window, else one window after the slot `limit` places back. Slots are reserved ahead, so a burst
// gets its times at once (the first `limit` now, the next `limit` one window later, …) and each waits for its own.
// Pure; the log kept is what later reservations need: the last `limit` slots, none a window old.
export function reserveSlot(log: readonly number[], now: number, limit: number, windowMs: number): { at: number; log: number[] } {
  const kept = log.filter((t) => t > now - windowMs).slice(-limit);
  const last = kept.length ? kept[kept.length - 1] : now;
  const at = kept.length < limit ? now : Math.max(now, last, kept[kept.length - limit] + windowMs);
  return { at, log: [...kept, at].slice(-limit) };
}
