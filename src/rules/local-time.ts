import { CronExpressionParser } from 'cron-parser';

// Cron in a time zone, through cron-parser (which follows the tz database: a time in the spring gap runs once after
// it, a repeated autumn hour runs once, at its first occurrence).

export class CronError extends Error {}

// The first run strictly after `after`; throws CronError for an expression or zone that cannot work.
export function nextCronRun(cron: string, timeZone: string, after: Date): Date {
  try {
    return CronExpressionParser.parse(cron, { currentDate: after, tz: timeZone, strict: false }).next().toDate();
  } catch (err) {
    throw new CronError((err as Error).message);
  }
}

// The last run strictly before `before`.
export function prevCronRun(cron: string, timeZone: string, before: Date): Date {
  try {
    return CronExpressionParser.parse(cron, { currentDate: before, tz: timeZone, strict: false }).prev().toDate();
  } catch (err) {
    throw new CronError((err as Error).message);
  }
}

// The latest run in (after, now], or null: a scheduler that slept fires the latest run it missed, once.
export function latestRun(cron: string, timeZone: string, after: Date, now: Date): Date | null {
  const last = prevCronRun(cron, timeZone, new Date(now.getTime() + 1));
  return last > after ? last : null;
}

// Runs in (from, to], for the dry-run and for a scheduler that slept.
export function cronRuns(cron: string, timeZone: string, from: Date, to: Date, limit = 10_000): Date[] {
  const out: Date[] = [];
  for (let t = nextCronRun(cron, timeZone, from); t <= to && out.length < limit; t = nextCronRun(cron, timeZone, t)) out.push(t);
  return out;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
export const isHhMm = (s: unknown): s is string => typeof s === 'string' && HHMM.test(s);
const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const formatters = new Map<string, Intl.DateTimeFormat>();

// Minutes since local midnight of an instant in a zone.
export function localMinutes(at: Date, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: 'numeric', minute: 'numeric' })));
  const p = f.formatToParts(at);
  return Number(p.find((x) => x.type === 'hour')!.value) * 60 + Number(p.find((x) => x.type === 'minute')!.value);
}

// Whether a local 'HH:MM'–'HH:MM' period (end exclusive, wrapping midnight when end ≤ start) holds the instant.
export function inLocalPeriod(at: Date, start: string, end: string, timeZone: string): boolean {
  const m = localMinutes(at, timeZone);
  const s = minutesOf(start);
  const e = minutesOf(end);
  if (s === e) return false;
  return s < e ? m >= s && m < e : m >= s || m < e;
}

// The next local `HH:MM` after an instant, as an instant (cron does the zone arithmetic).
export function nextLocalTime(hhmm: string, timeZone: string, after: Date): Date {
  return nextCronRun(`${Number(hhmm.slice(3, 5))} ${Number(hhmm.slice(0, 2))} * * *`, timeZone, after);
}
