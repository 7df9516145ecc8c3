// A Retry-After header (RFC 9110) as milliseconds from `now`: delta-seconds ("2") or an HTTP date, never negative.
// null: absent or unreadable. Pure; each caller caps it (the vendor poll, a destination's longest retry step).
export function parseRetryAfter(value: string | undefined | null, now: Date = new Date()): number | null {
  if (value === undefined || value === null) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return null; // bare numbers like "1.5" that Date.parse would accept
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}
