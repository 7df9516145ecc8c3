import { dateFormat } from './intl-cache';

export type Cadence = 'daily' | 'weekly' | 'monthly';

// "Monday, 16 November 2026", "16–22 Nov 2026", "November 2026" in the customer's locale and time zone.
// `end` is exclusive (the start of the next period), as the digest windows are computed.
export function formatPeriodLabel(cadence: Cadence, start: string | Date, end: string | Date, locale: string, timeZone: string): string {
  const from = new Date(start);
  const lastInstant = new Date(new Date(end).getTime() - 1);
  if (cadence === 'daily') return dateFormat(locale, 'full', timeZone).format(from);
  if (cadence === 'monthly') return dateFormat(locale, 'month', timeZone).format(from);
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone }).formatRange(from, lastInstant);
}
