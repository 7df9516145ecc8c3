import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ValidationError } from '../errors/domain-error';

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional() @IsString()
  cursor?: string;
}

// The one list envelope.
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export function mapPage<A, B>(page: Page<A>, fn: (a: A) => B): Page<B> {
  return { data: page.data.map(fn), nextCursor: page.nextCursor };
}

interface KeysetOptions {
  table: string; // the table behind the query's main alias, to look the cursor row up in
  sortColumn?: string; // newest first by this column, ties broken by id
  idType?: 'uuid' | 'bigint';
}

const ID_FORMAT = { uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, bigint: /^\d{1,19}$/ };

// Keyset pagination: the cursor is the id of the last row seen; the next page starts strictly after that row's
// (sort value, id) as the database holds it, so no timestamp precision is lost in the cursor.
export async function paginate<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  query: PageQuery,
  opts: KeysetOptions,
): Promise<Page<T>> {
  const limit = query.limit ?? 50;
  const alias = qb.alias;
  const sort = opts.sortColumn ?? 'created_at';
  if (query.cursor) {
    const idType = opts.idType ?? 'uuid';
    const id = decodeCursor(query.cursor);
    if (!ID_FORMAT[idType].test(id)) throw new ValidationError('cursor', 'cursor is not one this API returned');
    qb.andWhere(
      `(${alias}.${sort}, ${alias}.id) < (SELECT c.${sort}, c.id FROM ${opts.table} c WHERE c.id = CAST(:__cursor AS ${idType}))`,
      { __cursor: id },
    );
  }
  const rows = await qb.orderBy(`${alias}.${sort}`, 'DESC').addOrderBy(`${alias}.id`, 'DESC').take(limit + 1).getMany();
  return keysetPage(rows, limit);
}

// limit + 1 rows newest first → the page, with a cursor when there was one row more.
export function keysetPage<T>(rows: T[], limit: number): Page<T> {
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  return { data, nextCursor: more ? encodeCursor(String((data[data.length - 1] as unknown as { id: unknown }).id)) : null };
}

export function encodeCursor(id: string): string {
  return Buffer.from(`k1:${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!raw.startsWith('k1:') || raw.length > 80) throw new ValidationError('cursor', 'cursor is not one this API returned');
  return raw.slice(3);
}
