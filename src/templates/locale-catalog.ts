import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// A translation is a string with {name} placeholders, or plural forms picked by the `count` argument
// (Intl.PluralRules categories; `other` is required and is the fallback).
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
export type Translation = string | PluralForms;
export type LocaleCatalog = ReadonlyMap<string, ReadonlyMap<string, Translation>>;

const PLURAL_KEYS = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);

// templates/locales/<locale>.json, nested objects flattened to dotted keys ("digest.totals").
export function loadLocaleCatalog(dir: string): LocaleCatalog {
  const catalog = new Map<string, Map<string, Translation>>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    catalog.set(file.slice(0, -5), flatten(JSON.parse(readFileSync(join(dir, file), 'utf8'))));
  }
  if (!catalog.has('en')) throw new Error(`no en.json in ${dir}`);
  return catalog;
}

export function flatten(tree: unknown, prefix = '', out = new Map<string, Translation>()): Map<string, Translation> {
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else if (isPlural(value)) out.set(path, value);
    else if (value && typeof value === 'object') flatten(value, path, out);
  }
  return out;
}

function isPlural(v: unknown): v is PluralForms {
  if (!v || typeof v !== 'object') return false;
  const entries = Object.entries(v);
  return 'other' in v && entries.every(([k, s]) => PLURAL_KEYS.has(k) && typeof s === 'string');
}

// "de-AT" → de, "pt" → en: the catalog locale whose strings are used.
export function catalogLocale(catalog: LocaleCatalog, requested: unknown): string {
  if (typeof requested !== 'string' || !requested) return 'en';
  if (catalog.has(requested)) return requested;
  const lang = requested.split(/[-_]/)[0].toLowerCase();
  return catalog.has(lang) ? lang : 'en';
}
