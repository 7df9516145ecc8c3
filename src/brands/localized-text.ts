import { LOCALES } from './locales';
import type { LocalizedBrandTexts } from './resolved-brand';

export const LOCALIZED_MAX_LOCALES = 20;
const FIELDS = ['footerText', 'legalText'] as const;

export type LocalizedCheck = { ok: true; value: LocalizedBrandTexts } | { ok: false; field: string; message: string };

// A brand's `localized` as the API takes it: {"de": {"footerText": "…", "legalText": "…"}, "fr-CH": {…}}. Keys are
// language tags of a language the templates are translated into (en, de, fr, es, nl; with a region or not), written
// canonically ("de-ch" → "de-CH"); values hold footerText and/or legalText, each at most `maxText` characters. null
// clears them all.
export function checkLocalized(input: unknown, maxText: number): LocalizedCheck {
  if (input === null) return { ok: true, value: {} };
  if (typeof input !== 'object' || Array.isArray(input)) return fail('localized', 'localized must be an object keyed by locale, e.g. {"de": {"footerText": "…"}}');
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length > LOCALIZED_MAX_LOCALES) return fail('localized', `localized holds at most ${LOCALIZED_MAX_LOCALES} locales`);
  const value: LocalizedBrandTexts = {};
  for (const [key, texts] of entries) {
    const locale = canonical(key);
    const field = `localized.${key}`;
    if (!locale || !(LOCALES as readonly string[]).includes(locale.split('-')[0].toLowerCase())) {
      return fail(field, `"${key}" is not a locale the templates are translated into (${LOCALES.join(', ')}, with or without a region such as de-CH)`);
    }
    if (Object.prototype.hasOwnProperty.call(value, locale)) return fail(field, `locale ${locale} is given twice`);
    if (!texts || typeof texts !== 'object' || Array.isArray(texts)) return fail(field, `${field} must be an object with footerText and/or legalText`);
    const out: Record<string, string> = {};
    for (const [name, text] of Object.entries(texts as Record<string, unknown>)) {
      if (!(FIELDS as readonly string[]).includes(name)) return fail(`${field}.${name}`, `unknown field "${name}" (only ${FIELDS.join(' and ')})`);
      if (typeof text !== 'string') return fail(`${field}.${name}`, `${field}.${name} must be a string`);
      if (text.length > maxText) return fail(`${field}.${name}`, `${field}.${name} must be at most ${maxText} characters`);
      if (text.includes('\u0000')) return fail(`${field}.${name}`, `${field}.${name} must not contain a NUL character`);
      out[name] = text;
    }
    value[locale] = out;
  }
  return { ok: true, value };
}

function canonical(tag: string): string | null {
  if (!/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/.test(tag) || tag.length > 35) return null;
  try {
    return Intl.getCanonicalLocales(tag.replace(/_/g, '-'))[0] ?? null;
  } catch {
    return null;
  }
}

const fail = (field: string, message: string): LocalizedCheck => ({ ok: false, field, message });
