// Fixed one-minute windows per key (an API key's requests, a client address's failed authentications). In memory, so the limit is per replica (documented in the README).
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  // Returns 0 when allowed, else the seconds until the caller may try again.
  take(key: string): number {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= 60_000) {
      w = { start: t, count: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 10_000) this.evict(t);
    }
    w.count++;
    return w.count <= this.perMinute ? 0 : Math.max(1, Math.ceil((w.start + 60_000 - t) / 1000));
  }

  // The seconds until the key may try again when its window is used up, else 0; counts nothing.
  wait(key: string): number {
    const t = this.now();
    const w = this.windows.get(key);
    if (!w || t - w.start >= 60_000 || w.count < this.perMinute) return 0;
    return Math.max(1, Math.ceil((w.start + 60_000 - t) / 1000));
  }

  private evict(t: number): void {
    for (const [k, w] of this.windows) if (t - w.start >= 60_000) this.windows.delete(k);
  }
}
