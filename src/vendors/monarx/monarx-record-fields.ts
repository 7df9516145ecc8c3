// Reading a Monarx record's fields: every text value checked on the way (a value the event store cannot hold makes
// the record a rejected record naming the field), ids and timestamps in the forms the vendor sends.
import { textProblem } from '../../events/stored-text';
import { NormalizedEvent, RejectedRecord } from '../../events/normalized-event';
import { MonarxResource } from './monarx-api-shape';

export type Raw = Record<string, unknown>;
export type NormalizeResult = { ok: true; events: NormalizedEvent[] } | { ok: false; rejected: RejectedRecord };

const MAX_ID = 200;

export type Head = { ok: true; record: Raw; id: string; createdAt: Date } | { ok: false; rejected: RejectedRecord };

export function readHead(resource: MonarxResource, raw: unknown, idField: string, createdField: string): Head {
  if (!isObject(raw)) return reject(resource, null, `record is not an object but ${describe(raw)}`, raw);
  const id = idString(raw[idField], idField);
  if (!id) return reject(resource, null, `record has no ${idField}`, raw);
  // The event's external id is a key of a unique index, whose entries PostgreSQL limits to about 2.7 kB.
  if (id.length > MAX_ID) return reject(resource, id, `${idField} is longer than ${MAX_ID} characters`, raw);
  const value = raw[createdField];
  if (value === undefined || value === null) return reject(resource, id, `record has no ${createdField}`, raw);
  const createdAt = parseTimestamp(value, createdField);
  if (!createdAt) return reject(resource, id, `${createdField} is not a timestamp: ${show(value)}`, raw);
  return { ok: true, record: raw, id, createdAt };
}

export function reject(resource: string, externalId: string | null, reason: string, raw: unknown): { ok: false; rejected: RejectedRecord } {
  return { ok: false, rejected: { resource, externalId, reason, raw } };
}

// Thrown by the field readers below for a value the event store cannot hold as the vendor's text (a NUL character,
// an unpaired surrogate, bytes that were not UTF-8): the record becomes a rejected record naming the field, and the
// rest of its page is stored as usual.
export class UnstorableText extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
  }
}

export function guarded(resource: MonarxResource, raw: unknown, idField: string, normalize: () => NormalizeResult): NormalizeResult {
  try {
    return normalize();
  } catch (err) {
    if (!(err instanceof UnstorableText)) throw err;
    const id = isObject(raw) ? raw[idField] : undefined;
    // The id as sent (the event store writes an odd character in it out as text), so a re-read finds the same row.
    const externalId = typeof id === 'string' && id !== '' ? id : typeof id === 'number' && Number.isFinite(id) ? String(id) : null;
    return reject(resource, externalId, `${err.message}: the record cannot be stored`, raw);
  }
}

function checked(value: string, field: string): string {
  const problem = textProblem(value);
  if (problem) throw new UnstorableText(field, problem);
  return value;
}

// ISO-8601 strings are expected; epoch numbers are accepted (seconds or milliseconds) since some vendor endpoints use them.
export function parseTimestamp(value: unknown, field: string): Date | null {
  let ms: number;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value < 1e11 ? value * 1000 : value;
  // Checked first: Date.parse reads "2026-11-01T00:00:00Z\u0000" as a date.
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(checked(value, field).trim())) ms = Date.parse(value.trim());
  else return null;
  // PostgreSQL's timestamptz ends where JavaScript's dates do not (-5e12 epoch seconds is a valid Date): outside this
  // range a record would fail its whole batch.
  return ms >= MIN_TIME && ms <= MAX_TIME ? new Date(ms) : null;
}
const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);


// Every name is read (and so checked), not only up to the first present: a field the vendor sends is never let through
// unchecked because another spelling of it came first.
export function firstString(record: Raw, names: readonly string[]): string | null {
  const values = names.map((name) => str(record[name], name));
  return values.find((v) => v !== null) ?? null;
}

// field: the record's field the value was read from, to name it when the value cannot be stored.
export function str(value: unknown, field: string): string | null {
  return typeof value === 'string' && value !== '' ? checked(value, field) : null;
}

export function idString(value: unknown, field: string): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return str(value, field);
}

export function lower(value: string | null): string | null {
  return value === null ? null : value.toLowerCase();
}

export function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
