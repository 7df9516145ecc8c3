// Query-string handling of the fake Monarx server: an RSQL subset, page parameters and opaque cursors.
import { isRecord } from './fake-monarx-store';

export type Query = { bound: number | null; equals: [string, string][] };

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, { error: 'bad request', message });
}

// RSQL subset: `;`-joined clauses; `<time field>=ge=` / `=gt=` with an ISO time, and `field==value` on anything.
export function parseFilter(filter: string | null, timeField: string | null): Query {
  const query: Query = { bound: null, equals: [] };
  if (!filter) return query;
  for (const clause of filter.split(';')) {
    const m = /^([A-Za-z0-9_.]+)(==|=ge=|=gt=)(.*)$/.exec(clause.trim());
    if (!m) throw badRequest(`unsupported filter clause: ${clause}`);
    const [, field, op, rawValue] = m;
    const value = rawValue.replace(/^(['"])(.*)\1$/, '$2');
    if (op === '==') {
      query.equals.push([field, value]);
      continue;
    }
    if (field !== timeField) throw badRequest(`unknown filter field: ${field}`);
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw badRequest(`not a timestamp: ${value}`);
    query.bound = op === '=gt=' ? ms + 1 : ms;
  }
  return query;
}

export function matches(record: unknown, equals: [string, string][]): boolean {
  if (!isRecord(record)) return false;
  return equals.every(([field, value]) => {
    const v = record[field];
    return Array.isArray(v) ? v.map(String).includes(value) : v !== undefined && v !== null && String(v) === value;
  });
}

export function intParam(params: URLSearchParams, name: string): number | null {
  const raw = params.get(name);
  if (raw === null) return null;
  if (!/^\d+$/.test(raw)) throw badRequest(`${name} must be a non-negative integer`);
  return Number(raw);
}

export type Cursor = { r: string; k: number; s: number; n: number; e: number };

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(token: string): Cursor | null {
  try {
    const c: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isRecord(c) && typeof c.r === 'string' && [c.k, c.s, c.n, c.e].every((v) => typeof v === 'number')) return c as Cursor;
  } catch {
    // falls through to "invalid cursor"
  }
  return null;
}
