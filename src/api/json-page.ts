import type { FastifyReply } from 'fastify';
import type { Database } from '../db/database';
import { ValidationError } from '../errors/domain-error';
import { decodeCursor, encodeCursor, PageQuery } from './pagination';

// A list page whose JSON PostgreSQL writes, byte for byte as JSON.stringify wrote it from the rows pg and TypeORM
// hydrated: no row parsing, no Date objects, no stringify of 50 rows in the API process (most of a list read's CPU).
// Per kind, what makes the bytes the same:
// - 'json'    to_json(value): PostgreSQL escapes text exactly as JSON.stringify does (\" \\ \b \f \n \r \t, other
//             controls as \u00xx, everything else as is); numbers, booleans and text[] (as ["a","b"]) alike.
//             bigint ids must be cast to text by the caller: pg hands them to JS as strings.
// - 'time'    timestamptz as Date#toISOString(): UTC, milliseconds truncated (pg's date parser truncates the
//             microseconds too), 'Z'.
// - 'jsonb'   sent back as text and compacted by JSON.stringify(JSON.parse()) here, exactly what the entity path did:
//             jsonb's own text has spaces, keeps "1.50" and orders integer-like keys differently from a JS object.
export type JsonKind = 'json' | 'time' | 'jsonb';
export type JsonField = readonly [key: string, sql: string, kind: JsonKind];

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

function valueSql(sql: string, kind: Exclude<JsonKind, 'jsonb'>): string {
  if (kind === 'time') return `COALESCE('"' || to_char((${sql}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"', 'null')`;
  return `COALESCE(to_json(${sql})::text, 'null')`;
}

// A row's JSON as select-list columns: text segments s0, s1, ... with the jsonb values j0, j1, ... between them.
export function rowJsonColumns(fields: readonly JsonField[]): { select: string; jsonb: number } {
  const columns: string[] = [];
  let segment: string[] = [];
  let jsonb = 0;
  fields.forEach(([key, sql, kind], i) => {
    const name = literal(`${i === 0 ? '{' : ','}${JSON.stringify(key)}:`);
    if (kind === 'jsonb') {
      segment.push(name);
      columns.push(`${segment.join(' || ')} AS s${jsonb}`, `(${sql})::text AS j${jsonb}`);
      segment = [];
      jsonb++;
    } else {
      segment.push(name, valueSql(sql, kind));
    }
  });
  segment.push(`'}'`);
  columns.push(`${segment.join(' || ')} AS s${jsonb}`);
  return { select: columns.join(', '), jsonb };
}

type RowText = Record<string, string | null>;

function rowText(row: RowText, jsonb: number): string {
  let out = row.s0!;
  for (let i = 0; i < jsonb; i++) {
    const j = row[`j${i}`];
    out += (j === null ? 'null' : JSON.stringify(JSON.parse(j))) + row[`s${i + 1}`];
  }
  return out;
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
export function jsonListSql(spec: JsonListSpec, where: SqlWhere, q: PageQuery): { sql: string; params: unknown[]; limit: number; jsonb: number } {
  const { alias: a, sortColumn: sort } = spec;
  if (q.cursor) {
    const id = decodeCursor(q.cursor);
    if (!ID_FORMAT[spec.idType].test(id)) throw new ValidationError('cursor', 'cursor is not one this API returned');
    where.add((p) => `(${a}.${sort}, ${a}.id) < (SELECT c.${sort}, c.id FROM ${spec.table} c WHERE c.id = CAST(${p} AS ${spec.idType}))`, id);
  }
  const limit = q.limit ?? 50;
  const params = [...where.params, limit + 1];
  const { select, jsonb } = rowJsonColumns(spec.fields);
  const sql =
    `SELECT ${select}, ${a}.id::text AS k FROM ${spec.table} ${a} WHERE ${where.conditions.join(' AND ')} ` +
    `ORDER BY ${a}.${sort} DESC, ${a}.id DESC LIMIT $${params.length}`;
  return { sql, params, limit, jsonb };
}

// The page's body, {"data":[...],"nextCursor":...}, as JSON.stringify(Page) wrote it.
export async function jsonListPage(db: Database, spec: JsonListSpec, where: SqlWhere, q: PageQuery): Promise<string> {
  const { sql, params, limit, jsonb } = jsonListSql(spec, where, q);
  const rows = await db.rows<RowText & { k: string }>(sql, params);
  const more = rows.length > limit;
  const n = more ? limit : rows.length;
  let body = '{"data":[';
  for (let i = 0; i < n; i++) body += (i ? ',' : '') + rowText(rows[i], jsonb);
  return body + '],"nextCursor":' + (more ? JSON.stringify(encodeCursor(rows[n - 1].k)) : 'null') + '}';
}

// A body that is JSON already, passed through as it is (Fastify sends a string with this type unchanged).
export function sendJson(reply: FastifyReply, body: string): string {
  reply.type(JSON_CONTENT_TYPE);
  return body;
}
