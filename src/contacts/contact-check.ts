import { ValidationError } from '../errors/domain-error';
import { SEVERITIES, Severity } from '../events/normalized-event';
import { isHhMm, isTimeZone } from '../rules/local-time';

// A contact's quiet hours, in the contact's own time zone: their channels' rule deliveries wait until the end,
// unless the firing reaches bypassSeverity.
export interface ContactQuietHours {
  start: string; // 'HH:MM' local; end < start wraps midnight
  end: string;
  bypassSeverity?: Severity;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkTimeZone(v: unknown, field = 'timeZone'): string {
  if (typeof v !== 'string' || !v || v.length > 100 || !isTimeZone(v)) throw new ValidationError(field, `${field} must be an IANA time zone such as Europe/Berlin or UTC`);
  return v;
}

export function checkContactQuietHours(v: unknown, field = 'quietHours'): ContactQuietHours | null {
  if (v === null || v === undefined) return null;
  if (!isObj(v)) throw new ValidationError(field, `${field} must be an object {start, end, bypassSeverity?} or null`);
  const unknown = Object.keys(v).find((k) => !['start', 'end', 'bypassSeverity'].includes(k));
  if (unknown) throw new ValidationError(`${field}.${unknown}`, `${field}.${unknown} is not a setting here (start, end, bypassSeverity; the zone is the contact's timeZone)`);
  if (!isHhMm(v.start)) throw new ValidationError(`${field}.start`, `${field}.start must be a local time HH:MM`);
  if (!isHhMm(v.end)) throw new ValidationError(`${field}.end`, `${field}.end must be a local time HH:MM`);
  if (v.start === v.end) throw new ValidationError(`${field}.end`, `${field}.end must differ from the start`);
  const out: ContactQuietHours = { start: v.start, end: v.end };
  if (v.bypassSeverity !== undefined) {
    if (!(SEVERITIES as readonly unknown[]).includes(v.bypassSeverity)) throw new ValidationError(`${field}.bypassSeverity`, `${field}.bypassSeverity must be one of ${SEVERITIES.join(', ')}`);
    out.bypassSeverity = v.bypassSeverity as Severity;
  }
  return out;
}
