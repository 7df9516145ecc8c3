import type { HelperDelegate, HelperOptions } from 'handlebars';
import { catalogLocale, LocaleCatalog, Translation } from './locale-catalog';
import { dateFormat, intlLocale, numberFormat, pluralRule } from './intl-cache';

// The only helpers a template can call (besides Handlebars' if, unless, each, with, lookup). Each returns a plain
// string, so Handlebars HTML-escapes it in the HTML part.
export const CUSTOM_HELPERS = [
  't', 'formatNumber', 'formatDate', 'truncatePath', 'plural', 'trend', 'severityColor',
  'eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'and', 'or', 'not',
] as const;
export type HelperName = (typeof CUSTOM_HELPERS)[number];
export const BUILTIN_HELPERS = ['if', 'unless', 'each', 'with', 'lookup'] as const;
export const ALLOWED_HELPERS: ReadonlySet<string> = new Set([...CUSTOM_HELPERS, ...BUILTIN_HELPERS]);

// On the digest's white cards and in dark mode alike, white text on these reaches ≥ 4.5:1.
export const SEVERITY_COLORS: Record<string, string> = {
  critical: '#b91c1c', high: '#c2410c', medium: '#a16207', low: '#1d4ed8', info: '#4b5563', none: '#047857',
};

// Everything a helper needs for one locale, built on first use: renders call helpers hundreds of times.
interface LocaleInfo {
  strings: ReadonlyMap<string, Prepared>;
  fallback: ReadonlyMap<string, Prepared>;
  plain: Intl.NumberFormat;
  signed: Intl.NumberFormat;
  percent: Intl.NumberFormat;
  plural: Intl.PluralRules;
  intl: string;
  // small integers are most of what a digest shows: formatted once per locale
  ints: string[];
  signedInts: Map<number, string>;
  percents: Map<number, string>;
  categories: Intl.LDMLPluralRule[];
  dates: Map<string, Map<string, DateFormatter>>; // zone → style → formatter
  pairs: Map<string, Map<string, string>>; // {{t "severity" severity}}: "severity" → "high" → its text
}

// An email shows most of its times twice (HTML and text part): the last few hundred formatted strings are kept.
interface DateFormatter {
  intl: Intl.DateTimeFormat;
  recent: Map<number, string>;
}

const SMALL = 4096;

// A translation split at its {placeholders} once, instead of a regex per call.
type Template = string | Array<string | { name: string }>;
type Prepared = Template | Partial<Record<Intl.LDMLPluralRule, Template>>;

export interface HelperSet {
  helpers: Record<HelperName, HelperDelegate>;
  // What {{t "key"}} (literal key, no arguments) renders in a locale: the same for every email.
  staticText: (locale: string, key: string) => string;
}

export const createHelpers = (catalog: LocaleCatalog) => createHelperSet(catalog).helpers;

export function createHelperSet(catalog: LocaleCatalog): HelperSet {
  const prepared = new Map([...catalog].map(([locale, strings]) => [locale, new Map([...strings].map(([k, t]) => [k, prepare(t)]))]));
  const locales = new Map<unknown, LocaleInfo>();
  const localeOf = (options: HelperOptions | undefined): LocaleInfo => localeInfo(options?.data?.root?.locale);
  const localeInfo = (requested: unknown): LocaleInfo => {
    let info = locales.get(requested);
    if (!info) {
      const cat = catalogLocale(catalog, requested);
      const intl = intlLocale(requested, cat);
      info = {
        strings: prepared.get(cat)!, fallback: prepared.get('en')!, intl,
        plain: numberFormat(intl, 'plain'), signed: numberFormat(intl, 'signed'), percent: numberFormat(intl, 'percent'), plural: pluralRule(intl),
        ints: [], signedInts: new Map(), percents: new Map(), categories: [], dates: new Map(), pairs: new Map(),
      };
      if (locales.size > 100) locales.clear();
      locales.set(requested, info);
    }
    return info;
  };
  const fmt = (v: unknown, loc: LocaleInfo): string => {
    if (typeof v !== 'number') return v == null ? '' : String(v);
    if (Number.isInteger(v) && v >= 0 && v < SMALL) return (loc.ints[v] ??= loc.plain.format(v));
    return Number.isFinite(v) ? loc.plain.format(v) : '';
  };
  const formatTime = (loc: LocaleInfo, style: string, zone: string, ms: number): string => {
    let byStyle = loc.dates.get(zone);
    if (!byStyle) {
      if (loc.dates.size > 100) loc.dates.clear();
      loc.dates.set(zone, (byStyle = new Map()));
    }
    let f = byStyle.get(style);
    if (!f) byStyle.set(style, (f = { intl: dateFormat(loc.intl, style, zone), recent: new Map() }));
    let s = f.recent.get(ms);
    if (s === undefined) {
      if (f.recent.size >= 256) f.recent.clear();
      f.recent.set(ms, (s = f.intl.format(ms)));
    }
    return s;
  };
  // A key made of a literal and a value ({{t "kind" kind}} in every row of a list) is the same text for every
  // email of a locale: kept, instead of joining and looking up the key each time.
  const pairText = (loc: LocaleInfo, first: string, second: string): string => {
    let bySecond = loc.pairs.get(first);
    if (!bySecond) loc.pairs.set(first, (bySecond = new Map()));
    let text = bySecond.get(second);
    if (text === undefined) {
      if (bySecond.size >= 1000) bySecond.clear();
      bySecond.set(second, (text = translateIn(loc, `${first}.${second}`, {})));
    }
    return text;
  };
  const category = (n: number, loc: LocaleInfo) =>
    Number.isInteger(n) && n >= 0 && n < SMALL ? (loc.categories[n] ??= loc.plural.select(n)) : loc.plural.select(n);
  // Whole percents, rounded half away from zero as Intl does, formatted once per locale.
  const percent = (ratio: number, loc: LocaleInfo) => {
    const whole = Math.sign(ratio) * Math.round(Math.abs(ratio) * 100);
    if (Math.abs(whole) >= SMALL) return loc.percent.format(whole / 100);
    let s = loc.percents.get(whole);
    if (s === undefined) loc.percents.set(whole, (s = loc.percent.format(whole / 100)));
    return s;
  };
  const signed = (n: number, loc: LocaleInfo) => {
    if (!Number.isInteger(n) || Math.abs(n) >= SMALL) return loc.signed.format(n);
    let s = loc.signedInts.get(n);
    if (s === undefined) loc.signedInts.set(n, (s = loc.signed.format(n)));
    return s;
  };

  const translate = (key: string, options: HelperOptions | undefined) => translateIn(localeOf(options), key, options?.hash ?? {});
  const translateIn = (loc: LocaleInfo, key: string, hash: Record<string, unknown>) => {
    const found = loc.strings.get(key) ?? loc.fallback.get(key);
    if (found === undefined) return key;
    if (typeof found === 'string') return found;
    let template: Template | undefined;
    if (Array.isArray(found)) template = found;
    else {
      const n = toNumber(hash.count);
      const forms = found as Partial<Record<Intl.LDMLPluralRule, Template>>;
      template = (n === null ? undefined : forms[category(n, loc)]) ?? forms.other;
    }
    if (typeof template === 'string' || template === undefined) return template ?? '';
    let out = '';
    for (const part of template) {
      out += typeof part === 'string' ? part : Object.prototype.hasOwnProperty.call(hash, part.name) ? fmt(hash[part.name], loc) : `{${part.name}}`;
    }
    return out;
  };

  const helpers: Record<HelperName, HelperDelegate> = {
    // {{t "digest.totals"}}, {{t "severity" severity}} (parts joined by "."), {{t "x.more" count=12 url=…}}
    t: (...args: unknown[]) => {
      const options = args.pop() as HelperOptions;
      if (args.length === 1) return typeof args[0] === 'string' && args[0] ? translate(args[0], options) : '';
      if (!args.length || args.some((a) => a === undefined || a === null || a === '')) return '';
      if (args.length === 2 && typeof args[0] === 'string' && typeof args[1] === 'string' && isEmpty(options?.hash)) {
        return pairText(localeOf(options), args[0], args[1]);
      }
      return translate(args.join('.'), options);
    },
    formatNumber: (value: unknown, options?: HelperOptions) => fmt(toNumber(value), localeOf(options)),
    // {{formatDate period.start "datetime" timeZone="Europe/Berlin"}}; the zone defaults to the data's timeZone
    formatDate: (value: unknown, style: unknown, last?: unknown) => {
      const options = (last ?? style) as HelperOptions;
      const ms = toTime(value);
      if (ms === null) return '';
      const zone = options?.hash?.timeZone ?? options?.data?.root?.timeZone ?? 'UTC';
      return formatTime(localeOf(options), typeof style === 'string' ? style : 'date', String(zone), ms);
    },
    truncatePath: (value: unknown, max: unknown) => truncatePath(value, typeof max === 'number' ? max : 60),
    plural: (count: unknown, one: unknown, other: unknown, options?: HelperOptions) => {
      const n = toNumber(count);
      return String((n !== null && category(n, localeOf(options)) === 'one' ? one : other) ?? '');
    },
    // {{trend current previous}} → "+3 (+25%)", "-2 (-40%)", "±0", "+3 (new)"
    trend: (current: unknown, previous: unknown, options?: HelperOptions) => {
      const [c, p] = [toNumber(current), toNumber(previous)];
      if (c === null || p === null) return '';
      const delta = c - p;
      if (delta === 0) return '±0';
      const loc = localeOf(options);
      if (p === 0) return `${signed(delta, loc)} (${translate('trend.new', options)})`;
      return `${signed(delta, loc)} (${percent(delta / p, loc)})`;
    },
    severityColor: (severity: unknown) => SEVERITY_COLORS[String(severity)] ?? SEVERITY_COLORS.info,
    eq: (a: unknown, b: unknown) => a === b,
    ne: (a: unknown, b: unknown) => a !== b,
    gt: (a: unknown, b: unknown) => compare(a, b, (x, y) => x > y),
    gte: (a: unknown, b: unknown) => compare(a, b, (x, y) => x >= y),
    lt: (a: unknown, b: unknown) => compare(a, b, (x, y) => x < y),
    lte: (a: unknown, b: unknown) => compare(a, b, (x, y) => x <= y),
    and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
    or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
    not: (a: unknown) => !a,
  };
  return { helpers, staticText: (locale, key) => translateIn(localeInfo(locale), key, {}) };
}

function prepare(t: Translation): Prepared {
  if (typeof t !== 'string') return Object.fromEntries(Object.entries(t).map(([form, text]) => [form, split(text)]));
  return split(t);
}

function split(text: string): Template {
  if (!text.includes('{')) return text;
  return text.split(/(\{\w+\})/).filter(Boolean).map((p) => (/^\{\w+\}$/.test(p) ? { name: p.slice(1, -1) } : p));
}

function isEmpty(o: object | undefined): boolean {
  for (const _ in o) return false;
  return true;
}

function toNumber(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

// Epoch milliseconds of a Date, an ISO string or a number, as new Date(v) reads them; null when not a time.
function toTime(v: unknown): number | null {
  const ms = typeof v === 'string' ? Date.parse(v) : v instanceof Date ? v.getTime() : typeof v === 'number' ? new Date(v).getTime() : NaN;
  return Number.isNaN(ms) ? null : ms;
}

function compare(a: unknown, b: unknown, op: (x: number, y: number) => boolean): boolean {
  const [x, y] = [toNumber(a), toNumber(b)];
  return x !== null && y !== null && op(x, y);
}

// Control characters and bidi overrides (a right-to-left override can disguise "gpj.php" as "php.jpg") are shown as "?".
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;
const UNSAFE_CHAR = new RegExp(UNSAFE.source);

// Keeps the start of the path and its file name: "/home/bob/public_html/wp-conte…/evil.php". Never splits a
// surrogate pair; a file name longer than two thirds of `max` keeps its end (and extension).
export function truncatePath(value: unknown, max = 60): string {
  if (typeof value !== 'string') return '';
  const clean = UNSAFE_CHAR.test(value) ? value.replace(UNSAFE, '?') : value;
  const limit = Math.min(Math.max(Math.floor(max) || 60, 12), 1000);
  if (clean.length <= limit) return clean;
  const sep = Math.max(clean.lastIndexOf('/'), clean.lastIndexOf('\\'));
  const tailBudget = Math.floor(((limit - 1) * 2) / 3);
  let tailStart = Math.max(sep, 0);
  if (clean.length - tailStart > tailBudget) tailStart = clean.length - tailBudget;
  if (splitsPair(clean, tailStart)) tailStart++;
  let headEnd = limit - 1 - (clean.length - tailStart);
  if (splitsPair(clean, headEnd)) headEnd--;
  return clean.slice(0, headEnd) + '…' + clean.slice(tailStart);
}

// Cutting at i would separate a high surrogate (i - 1) from its low surrogate (i).
function splitsPair(s: string, i: number): boolean {
  const low = s.charCodeAt(i);
  const high = s.charCodeAt(i - 1);
  return low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff;
}
