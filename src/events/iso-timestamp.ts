// An instant as ISO-8601 / RFC 3339 writes it: a calendar date, a time of day and a zone (Z or an offset).
// `new Date(text)` is no check: it takes "1" as 2001-01-01, rolls "2026-02-30" over to March 2 and reads
// "Nov 23 2026 08:00" in the process's zone. Every part is checked here instead.

export type IsoTimestamp = { ok: true; date: Date } | { ok: false; reason: string };

const EXAMPLE = 'e.g. 2026-11-23T08:00:00Z or 2026-11-23T09:00:00+01:00';
const FULL = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

export function parseIsoTimestamp(text: string): IsoTimestamp {
  const m = FULL.exec(text);
  if (!m) return { ok: false, reason: `is not an ISO-8601 timestamp with a time zone (${EXAMPLE})` };
  const [, y, mo, d, h, mi, s = '0', frac = '', zone] = m;
  if (!zone) return { ok: false, reason: `has no time zone: add Z (UTC) or an offset such as +01:00 (${EXAMPLE})` };
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) return { ok: false, reason: `is not a real date: there is no month ${mo}` };
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return { ok: false, reason: `is not a real date: ${y}-${mo} has ${days} days` };
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return { ok: false, reason: `is not a real time of day: ${h}:${mi}:${s.padStart(2, '0')}` };
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || '0');
    if (oh > 23 || om > 59) return { ok: false, reason: `has an offset that is not one: ${zone}` };
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0').slice(0, 3)));
  return { ok: true, date: new Date(date.getTime() - offsetMinutes * 60_000) };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
