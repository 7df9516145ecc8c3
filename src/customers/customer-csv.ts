import { parse } from 'csv-parse/sync';
import { textProblem } from '../api/text-check';
import { DomainError, ValidationError } from '../errors/domain-error';
import {
  CUSTOMER_STATUSES, CustomerStatus, isCustomerStatus, LIMITS, normalizeDomain, normalizeEmail, normalizeIdentifier, normalizeLocale,
  normalizeTimeZone, SiteFields, siteIdentityError, unique,
} from './fields';

// The customer CSV: one line per site (customer columns repeated), or one line for a customer without sites.
export const CSV_COLUMNS = ['external_ref', 'name', 'emails', 'locale', 'time_zone', 'status', 'domains', 'server', 'account_user', 'vendor_site_ids'] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
export const CUSTOMER_COLUMNS = ['name', 'emails', 'locale', 'time_zone', 'status'] as const;
export const SITE_COLUMNS = ['domains', 'server', 'account_user', 'vendor_site_ids'] as const;
const REQUIRED: CsvColumn[] = ['external_ref', 'name'];

export const MAX_ROWS = 50_000;
const LIST_SEPARATOR = ';';

export interface Rejection {
  line: number; // physical line in the file where the row starts; the header is line 1
  field: string | null; // a column name, or null when the row as a whole is wrong
  reason: string;
}

export interface CsvRow {
  line: number;
  cells: Partial<Record<CsvColumn, string>>;
}

export interface CsvFile {
  columns: Set<CsvColumn>;
  rows: CsvRow[];
  rejected: Rejection[]; // rows whose shape is wrong (field count)
}

// Customer values a row gives; a blank cell is absent here (its meaning depends on the row, see import-plan.ts).
export interface CustomerCells {
  name?: string;
  emails?: string[];
  locale?: string;
  timeZone?: string;
  status?: CustomerStatus;
}

export interface ImportRow {
  line: number;
  externalRef: string;
  customer: CustomerCells;
  site: SiteFields | null; // null when every site cell is blank
}

// Splits the file into rows with the line each starts on. Quoted fields may span lines, so lines are counted from the
// parser's position, not by splitting the text. Problems with the file as a whole are a 400 naming the line.
export function readCsv(text: string): CsvFile {
  // One line ending throughout: the parser's line count goes wrong on mixed or CRLF endings.
  const normalized = text.replace(/\r\n?/g, '\n');
  let records: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    records = parse(normalized, { bom: true, info: true, raw: true, relax_column_count: true, skip_empty_lines: true, record_delimiter: '\n' });
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new DomainError('invalid_csv', `the CSV cannot be read${e.lines ? ` (line ${e.lines})` : ''}: ${e.message}`, 400, 'body');
  }
  const withLines = records
    .map((r) => ({ cells: r.record, line: startLine(r.info.lines, r.raw) }))
    .filter((r) => r.cells.some((c) => c.trim() !== '')); // a line of spaces is an empty line too
  if (withLines.length === 0) throw new ValidationError('header', `the CSV is empty; the first line must name the columns: ${CSV_COLUMNS.join(',')}`);
  const [header, ...data] = withLines;
  if (data.length > MAX_ROWS) throw new DomainError('too_many_rows', `the CSV has more than ${MAX_ROWS.toLocaleString('en')} rows; split it into several imports`, 413, 'body');
  const names = header.cells.map((c) => c.trim().toLowerCase());
  const unknown = names.filter((n) => !(CSV_COLUMNS as readonly string[]).includes(n));
  if (unknown.length) {
    throw new ValidationError('header', `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} on line ${header.line}; the columns are ${CSV_COLUMNS.join(',')}`);
  }
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length) throw new ValidationError('header', `column "${twice[0]}" appears twice on line ${header.line}`);
  const missing = REQUIRED.filter((c) => !names.includes(c));
  if (missing.length) throw new ValidationError('header', `the header on line ${header.line} lacks the required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);

  const rows: CsvRow[] = [];
  const rejected: Rejection[] = [];
  for (const r of data) {
    if (r.cells.length !== names.length) {
      rejected.push({ line: r.line, field: null, reason: `expected ${names.length} fields as in the header, found ${r.cells.length} (quote values that contain commas)` });
      continue;
    }
    rows.push({ line: r.line, cells: Object.fromEntries(names.map((n, i) => [n, unneutralize(r.cells[i])])) });
  }
  return { columns: new Set(names as CsvColumn[]), rows, rejected };
}

// info.lines is the line a record ends on; a record's raw text holds its own line breaks (inside quotes), preceded by
// any empty lines the parser skipped and followed by its line ending.
function startLine(endLine: number, raw: string): number {
  const body = raw.replace(/^\n+/, '').replace(/\n$/, '');
  return endLine - (body.match(/\n/g)?.length ?? 0);
}

// Validates and normalizes one row. Pure: the same cells always give the same row or the same errors.
export function parseRow(row: CsvRow): ImportRow | Rejection[] {
  const errors: Rejection[] = [];
  const fail = (field: CsvColumn, reason: string) => errors.push({ line: row.line, field, reason });
  for (const [column, value] of Object.entries(row.cells) as [CsvColumn, string][]) {
    const problem = textProblem(value);
    if (problem) fail(column, `${column} ${problem}`);
  }
  if (errors.length) return errors;
  const cell = (c: CsvColumn) => (row.cells[c] ?? '').trim();
  const list = (c: CsvColumn, normalize: (s: string) => string | null, what: string, max: number): string[] => {
    const items = cell(c).split(LIST_SEPARATOR).map((s) => s.trim()).filter(Boolean);
    const bad = items.find((s) => normalize(s) === null);
    if (bad !== undefined) fail(c, `"${bad}" is not ${what}`);
    else if (items.length > max) fail(c, `at most ${max} values`);
    return unique(items.map((s) => normalize(s) as string));
  };

  const externalRef = cell('external_ref');
  if (!externalRef) fail('external_ref', 'external_ref is required');
  else if (externalRef.length > LIMITS.text) fail('external_ref', `at most ${LIMITS.text} characters`);

  const customer: CustomerCells = {};
  const name = cell('name');
  if (name.length > LIMITS.text) fail('name', `at most ${LIMITS.text} characters`);
  else if (name) customer.name = name;
  if (cell('emails')) customer.emails = list('emails', normalizeEmail, 'a valid e-mail address', LIMITS.emails);
  if (cell('locale')) {
    const locale = normalizeLocale(cell('locale'));
    if (locale) customer.locale = locale;
    else fail('locale', `"${cell('locale')}" is not a language tag such as en, de or pt-BR`);
  }
  if (cell('time_zone')) {
    const tz = normalizeTimeZone(cell('time_zone'));
    if (tz) customer.timeZone = tz;
    else fail('time_zone', `"${cell('time_zone')}" is not an IANA time zone such as Europe/Berlin or UTC`);
  }
  const status = cell('status').toLowerCase();
  if (status) {
    if (isCustomerStatus(status)) customer.status = status;
    else fail('status', `"${cell('status')}" is not one of ${CUSTOMER_STATUSES.join(', ')}`);
  }

  let site: SiteFields | null = null;
  if (SITE_COLUMNS.some((c) => cell(c))) {
    const before = errors.length;
    const one = (c: CsvColumn) => {
      if (!cell(c)) return null;
      const v = normalizeIdentifier(cell(c));
      if (!v) fail(c, `"${cell(c)}" must be 1 to 255 characters without spaces, "|" or ";"`);
      return v;
    };
    site = {
      domains: list('domains', normalizeDomain, 'a host name such as example.com', LIMITS.domains),
      server: one('server'),
      accountUser: one('account_user'),
      vendorSiteIds: list('vendor_site_ids', normalizeIdentifier, 'a vendor site id (no spaces, "|" or ";")', LIMITS.vendorSiteIds),
    };
    const identity = errors.length > before ? null : siteIdentityError(site);
    if (identity) fail(identity.field === 'accountUser' ? 'account_user' : identity.field, identity.message);
  }
  return errors.length ? errors : { line: row.line, externalRef, customer, site };
}

export interface ExportLine {
  externalRef: string;
  name: string;
  emails: string[];
  locale: string;
  timeZone: string;
  status: string;
  site: SiteFields | null;
}

// The same columns the import reads, so that an export imports back unchanged.
export function toCsv(lines: readonly ExportLine[]): string {
  const out = [CSV_COLUMNS.join(',')];
  for (const l of lines) {
    const s = l.site;
    const cells = [l.externalRef, l.name, l.emails.join(LIST_SEPARATOR), l.locale, l.timeZone, l.status,
      s ? s.domains.join(LIST_SEPARATOR) : '', s?.server ?? '', s?.accountUser ?? '', s ? s.vendorSiteIds.join(LIST_SEPARATOR) : ''];
    out.push(cells.map((c) => quote(neutralize(c))).join(','));
  }
  return out.join('\r\n') + '\r\n';
}

// A cell a spreadsheet would take for a formula (OWASP "CSV injection") gets a leading single quote, and so does a
// cell that already starts with one, so that the import can take exactly one quote off again: the export of "=1+1" is
// "'=1+1", of "'=1+1" it is "''=1+1", and both import back as they were.
const FORMULA_START = /^[=+\-@\t\r']/;

export function neutralize(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

// A single quote before one of those characters was put there by neutralize(); any other quote is data.
export function unneutralize(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

function quote(v: string): string {
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
