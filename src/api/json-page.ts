import type { FastifyReply } from 'fastify';
import type { Database } from '../db/database';
import { ValidationError } from '../errors/domain-error';
import { decodeCursor, encodeCursor, PageQuery } from './pagination';

// A list page whose JSON PostgreSQL writes, byte for byte as JSON.stringify wrote it from the rows pg and TypeORM
// hydrated: no row parsing, no Date objects, no stringify of 50 rows in the API process. row_to_json() writes a row
// compactly with the select list's aliases as keys, in their order (per field ~5x cheaper than to_json() and ||), and
// escapes text exactly as JSON.stringify does (\" \\ \b \f \n \r \t, other controls as \u00xx, the rest as is).
// Per kind, what makes the bytes the same:
// - 'json'    text, uuid, integers, booleans, text[] (as ["a","b"]) as they are; bigint ids must be cast to text by the
//             caller (pg hands them to JS as strings).
// - 'time'    timestamptz as Date#toISOString(): UTC, milliseconds truncated (pg's date parser truncates the
//             microseconds too), 'Z'.
// - 'jsonb'   sent as text and compacted here by JSON.stringify(JSON.parse()), exactly what the entity path did:
//             jsonb's own text has spaces, keeps "1.50" and orders integer-like keys differently from a JS object.
//             The fields around it are written by PostgreSQL as one object per run and stitched together here.
export type JsonKind = 'json' | 'time' | 'jsonb';
export type JsonField = readonly [key: string, sql: string, kind: JsonKind];

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

const ident = (key: string) => `"${key.replace(/"/g, '""')}"`;
const valueSql = (sql: string, kind: JsonKind) =>
  kind === 'time' ? `to_char((${sql}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : kind === 'jsonb' ? `(${sql})::text` : sql;

export interface RowRun {
  keys: string[]; // the fields row_to_json writes (gN)
  jsonbKey: string | null; // the jsonb field after them (jN)
}

// A page's rows as JSON: the page query `p` selects f0, f1, ... per field; per run of fields between jsonb ones, a
// lateral row gN names them with their keys for row_to_json(); jN is the jsonb text after run N.
export function rowJsonSql(fields: readonly JsonField[]): { inner: string; outer: string; lateral: string; runs: RowRun[] } {
  const inner = fields.map(([, sql, kind], i) => `${valueSql(sql, kind)} AS f${i}`).join(', ');
  const runs: RowRun[] = [{ keys: [], jsonbKey: null }];
  const runColumns: string[][] = [[]];
  const outer: string[] = [];
  fields.forEach(([key, , kind], i) => {
    const n = runs.length - 1;
    if (kind !== 'jsonb') {
      runs[n].keys.push(key);
      runColumns[n].push(`p.f${i} AS ${ident(key)}`);
      return;
    }
    runs[n].jsonbKey = key;
    outer.push(...(runColumns[n].length ? [`row_to_json(g${n})::text AS g${n}`] : []), `p.f${i} AS j${n}`);
    runs.push({ keys: [], jsonbKey: null });
    runColumns.push([]);
  });
  const last = runs.length - 1;
  if (runColumns[last].length) outer.push(`row_to_json(g${last})::text AS g${last}`);
  const lateral = runColumns.map((cols, i) => (cols.length ? ` CROSS JOIN LATERAL (SELECT ${cols.join(', ')}) g${i}` : '')).join('');
  return { inner, outer: outer.join(', '), lateral, runs };
}

type RowText = Record<string, string | null>;

export function stitchRow(row: RowText, runs: readonly RowRun[]): string {
  if (runs.length === 1) return row.g0!;
  const parts: string[] = [];
  runs.forEach((r, i) => {
    if (r.keys.length) parts.push(row[`g${i}`]!.slice(1, -1));
    if (r.jsonbKey) {
      const j = row[`j${i}`];
      parts.push(`${JSON.stringify(r.jsonbKey)}:${j === null ? 'null' : JSON.stringify(JSON.parse(j))}`);
    }
  });
  return `{${parts.join(',')}}`;
}

// WHERE conditions with their parameters, $1 being the organization.
export class SqlWhere {
  readonly conditions: string[];
  readonly params: unknown[];

  constructor(alias: string, organizationId: string) {
    this.conditions = [`${alias}.organization_id = $1`];
    this.params = [organizationId];
  }

  add(condition: (p: string) => string, value: unknown): void {
    this.params.push(value);
    this.conditions.push(condition(`$${this.params.length}`));
  }

  raw(condition: string): void {
    this.conditions.push(condition);
  }
}

export interface JsonListSpec {
  table: string; // the table behind alias, where the cursor row is looked up
  alias: string;
  fields: readonly JsonField[];
  sortColumn: string; // newest first by this column, ties broken by id
  idType: 'uuid' | 'bigint';
}

const ID_FORMAT = { uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, bigint: /^\d{1,19}$/ };

// The statement of a keyset page (as paginate() in pagination.ts: strictly after the cursor row's (sort value, id)
// as the database holds it), one row more than the page to know whether there is a next one.
export function jsonListSql(spec: JsonListSpec, where: SqlWhere, q: PageQuery): { sql: string; params: unknown[]; limit: number; runs: RowRun[]; aggregated: boolean } {
  const { alias: a, sortColumn: sort } = spec;
  if (q.cursor) {
    const id = decodeCursor(q.cursor);
    if (!ID_FORMAT[spec.idType].test(id)) throw new ValidationError('cursor', 'cursor is not one this API returned');
    where.add((p) => `(${a}.${sort}, ${a}.id) < (SELECT c.${sort}, c.id FROM ${spec.table} c WHERE c.id = CAST(${p} AS ${spec.idType}))`, id);
  }
  const limit = q.limit ?? 50;
  const params = [...where.params, limit + 1];
  const { inner, outer, lateral, runs } = rowJsonSql(spec.fields);
  const page =
    `(SELECT ${inner}, ${a}.${sort} AS o, ${a}.id AS k FROM ${spec.table} ${a} ` +
    `WHERE ${where.conditions.join(' AND ')} ORDER BY ${a}.${sort} DESC, ${a}.id DESC LIMIT $${params.length}) p${lateral}`;
  if (runs.length > 1) {
    // The outer ORDER BY repeats the page's: SQL keeps no order through a join (PostgreSQL sees the rows come sorted).
    return { sql: `SELECT ${outer}, p.k::text AS k FROM ${page} ORDER BY p.o DESC, p.k DESC`, params, limit, runs, aggregated: false };
  }
  // Without jsonb the rows are joined here too: one row of one text to send and parse instead of a row per item.
  params.push(limit);
  const l = `$${params.length}`;
  const sql =
    `SELECT string_agg(z.g0, ',' ORDER BY z.n) FILTER (WHERE z.n <= ${l}) AS data, count(*)::int AS rows, max(z.k) FILTER (WHERE z.n = ${l}) AS k ` +
    `FROM (SELECT ${outer}, p.k::text AS k, row_number() OVER (ORDER BY p.o DESC, p.k DESC) AS n FROM ${page}) z`;
  return { sql, params, limit, runs, aggregated: true };
}

// The page's body, {"data":[...],"nextCursor":...}, as JSON.stringify(Page) wrote it.
export async function jsonListPage(db: Database, spec: JsonListSpec, where: SqlWhere, q: PageQuery): Promise<string> {
  const { sql, params, limit, runs, aggregated } = jsonListSql(spec, where, q);
  if (aggregated) {
    const [r] = await db.rows<{ data: string | null; rows: number; k: string | null }>(sql, params);
    return '{"data":[' + (r.data ?? '') + '],"nextCursor":' + (r.rows > limit ? JSON.stringify(encodeCursor(r.k!)) : 'null') + '}';
  }
  const rows = await db.rows<RowText & { k: string }>(sql, params);
  const more = rows.length > limit;
  const n = more ? limit : rows.length;
  let body = '{"data":[';
  for (let i = 0; i < n; i++) body += (i ? ',' : '') + stitchRow(rows[i], runs);
  return body + '],"nextCursor":' + (more ? JSON.stringify(encodeCursor(rows[n - 1].k)) : 'null') + '}';
}

// A body that is JSON already, passed through as it is (Fastify sends a string with this type unchanged).
export function sendJson(reply: FastifyReply, body: string): string {
  reply.type(JSON_CONTENT_TYPE);
  return body;
}
