import { localDate, zonedTime } from '../digests/digest-period';

// The customer's current calendar month, in the customer's time zone: "cleaned this month" on the page starts at
// local midnight of the 1st (a Berlin customer's December starts 30 Nov 23:00 UTC), not at the UTC month.
export function localMonthSoFar(timeZone: string, now: Date): { start: Date; end: Date } {
  const today = localDate(timeZone, now);
  return { start: zonedTime(timeZone, { ...today, d: 1 }), end: now };
}
