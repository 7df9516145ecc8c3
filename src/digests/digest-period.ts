import type { Cadence } from '../templates/period-label';

export type { Cadence };
export type DigestCadence = Cadence | 'off';
export const CADENCES: readonly Cadence[] = ['daily', 'weekly', 'monthly'];

// A subscription's schedule: at sendTime (local, 'HH:MM') on every day / on dayOfWeek (1 = Monday … 7 = Sunday) /
// on the 1st of the month, in timeZone (IANA). What a send covers is the customer's last complete local period:
// daily the previous local day, weekly the 7 local days ending at the start of the send day (a Monday send covers
// Monday–Sunday), monthly the previous calendar month. Period ends are exclusive.
export interface Schedule {
  cadence: Cadence;
  sendTime: string;
  dayOfWeek: number;
  timeZone: string;
}

export interface PeriodWindow {
  start: Date;
  end: Date;
}

export interface DueDigest {
  period: PeriodWindow;
  scheduledAt: Date; // the local send moment this period belongs to
}

interface LocalDate {
  y: number;
  m: number; // 1–12
  d: number;
}

const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

// The local wall clock of an instant, as if it were UTC (ms). offset = wall − instant.
function wallClock(timeZone: string, t: number): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

// Zone offsets change only on quarter hours (every transition of the tz database since 1970 falls on one), so one
// lookup per zone and quarter hour serves a whole run: formatToParts costs microseconds and runs ask thousands.
const QUARTER = 15 * 60_000;
const offsets = new Map<string, number>();

function offsetAt(timeZone: string, t: number): number {
  const quarter = Math.floor(t / QUARTER) * QUARTER;
  const key = `${timeZone}|${quarter}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size >= 10_000) offsets.clear();
    offset = wallClock(timeZone, quarter) - quarter;
    offsets.set(key, offset);
  }
  return offset;
}

// The instant at which the local clock in timeZone shows the given wall time. A time that occurs twice (autumn)
// is its first occurrence; one that does not occur (the spring gap) moves forward by the gap (02:30 → 03:30).
export function zonedTime(timeZone: string, date: LocalDate, hour = 0, minute = 0): Date {
  const wall = Date.UTC(date.y, date.m - 1, date.d, hour, minute);
  const before = offsetAt(timeZone, wall - DAY);
  const after = offsetAt(timeZone, wall + DAY);
  const valid = [...new Set([before, after])].map((o) => wall - o).filter((t) => offsetAt(timeZone, t) === wall - t);
  if (valid.length) return new Date(Math.min(...valid));
  return new Date(wall - before);
}

export function localDate(timeZone: string, t: Date): LocalDate {
  const w = new Date(wallClock(timeZone, t.getTime()));
  return { y: w.getUTCFullYear(), m: w.getUTCMonth() + 1, d: w.getUTCDate() };
}

function addDays(d: LocalDate, n: number): LocalDate {
  const x = new Date(Date.UTC(d.y, d.m - 1, d.d + n));
  return { y: x.getUTCFullYear(), m: x.getUTCMonth() + 1, d: x.getUTCDate() };
}

function addMonths(d: LocalDate, n: number): LocalDate {
  const x = new Date(Date.UTC(d.y, d.m - 1 + n, 1));
  return { y: x.getUTCFullYear(), m: x.getUTCMonth() + 1, d: 1 };
}

const isoWeekday = (d: LocalDate) => ((new Date(Date.UTC(d.y, d.m - 1, d.d)).getUTCDay() + 6) % 7) + 1;

export function parseSendTime(s: string): [number, number] {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  if (!m) throw new Error(`send time must be HH:MM, got "${s}"`);
  return [Number(m[1]), Number(m[2])];
}

const isSendDate = (s: Schedule, d: LocalDate) =>
  s.cadence === 'daily' || (s.cadence === 'weekly' ? isoWeekday(d) === s.dayOfWeek : d.d === 1);

// The local period that a send on send date `d` covers.
function periodOfSendDate(s: Schedule, d: LocalDate): PeriodWindow {
  const first = s.cadence === 'daily' ? addDays(d, -1) : s.cadence === 'weekly' ? addDays(d, -7) : addMonths(d, -1);
  return { start: zonedTime(s.timeZone, first), end: zonedTime(s.timeZone, d) };
}

function sendMoment(s: Schedule, d: LocalDate): Date {
  const [h, m] = parseSendTime(s.sendTime);
  return zonedTime(s.timeZone, d, h, m);
}

// The most recent send moment at or before `now`, with the period it covers (null: none in the last ~2 months).
export function latestDue(s: Schedule, now: Date): DueDigest | null {
  const today = localDate(s.timeZone, now);
  for (let i = 0; i <= 62; i++) {
    const d = addDays(today, -i);
    if (!isSendDate(s, d)) continue;
    const at = sendMoment(s, d);
    if (at.getTime() <= now.getTime()) return { period: periodOfSendDate(s, d), scheduledAt: at };
  }
  return null;
}

// The first send moment strictly after `after`.
export function nextDue(s: Schedule, after: Date): DueDigest {
  const today = localDate(s.timeZone, after);
  for (let i = -1; i <= 63; i++) {
    const d = addDays(today, i);
    if (!isSendDate(s, d)) continue;
    const at = sendMoment(s, d);
    if (at.getTime() > after.getTime()) return { period: periodOfSendDate(s, d), scheduledAt: at };
  }
  throw new Error('no send moment in the next two months'); // unreachable for valid schedules
}

// The period of a cadence that contains `at` (for previews and "run now" of a given day): daily the local day,
// weekly the 7 days from the last dayOfWeek, monthly the calendar month.
export function periodContaining(s: Pick<Schedule, 'cadence' | 'dayOfWeek' | 'timeZone'>, at: Date): PeriodWindow {
  const today = localDate(s.timeZone, at);
  let first: LocalDate;
  let next: LocalDate;
  if (s.cadence === 'daily') {
    first = today;
    next = addDays(today, 1);
  } else if (s.cadence === 'weekly') {
    first = addDays(today, -((isoWeekday(today) - s.dayOfWeek + 7) % 7));
    next = addDays(first, 7);
  } else {
    first = { ...today, d: 1 };
    next = addMonths(first, 1);
  }
  return { start: zonedTime(s.timeZone, first), end: zonedTime(s.timeZone, next) };
}

// The period before: same cadence, ending where this one starts.
export function previousPeriod(s: Pick<Schedule, 'cadence' | 'dayOfWeek' | 'timeZone'>, p: PeriodWindow): PeriodWindow {
  return periodContaining(s, new Date(p.start.getTime() - 1));
}

// The local calendar month up to the period's end: "sites cleaned this month".
export function monthToDate(timeZone: string, p: PeriodWindow): PeriodWindow {
  const last = localDate(timeZone, new Date(p.end.getTime() - 1));
  return { start: zonedTime(timeZone, { ...last, d: 1 }), end: p.end };
}

// A send more than this after its moment is marked late in the email ("sent late after an interruption").
export const LATE_AFTER_MS = 15 * 60_000;
export const isLate = (due: DueDigest, now: Date) => now.getTime() - due.scheduledAt.getTime() > LATE_AFTER_MS;
