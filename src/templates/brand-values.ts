import { TemplateCompileError } from './template-errors';
import { parseHexColor, contrast, readableOn, toHex, Rgb } from './colors';
import type { BrandValues, LocalizedBrandTexts } from '../brands/resolved-brand';

// BrandValues (what a brand gives the templates) and its per-locale texts are the brand's: src/brands/resolved-brand.ts.
export type { BrandValues, LocalizedBrandText, LocalizedBrandTexts } from '../brands/resolved-brand';

// brand.* as templates see it: the brand's values, checked, plus colours derived for contrast.
export interface BrandTemplateValues extends BrandValues {
  onPrimaryColor: string; // text on primaryColor (buttons)
  linkColor: string; // primaryColor darkened until it reads on white and on the page grey (≥ 4.5:1)
  linkColorDark: string; // primaryColor lightened until it reads on the dark-mode card (≥ 4.5:1)
}

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [17, 24, 39]; // #111827, body text and the dark-mode card
const DARK_CARD: Rgb = [31, 41, 55]; // #1f2937

export function resolveBrand(brand: BrandValues): BrandTemplateValues {
  const primary = color(brand.primaryColor, 'primaryColor');
  const accent = color(brand.accentColor, 'accentColor');
  const width = Math.round(Number(brand.logoWidth));
  if (!Number.isFinite(width) || width < 16 || width > 300) {
    throw new TemplateCompileError('invalid_brand', `brand logoWidth must be 16–300 (px), got ${brand.logoWidth}`);
  }
  return {
    name: brand.name.trim(),
    logoUrl: safeUrl(brand.logoUrl),
    logoWidth: width,
    primaryColor: toHex(primary),
    accentColor: toHex(accent),
    footerText: brand.footerText,
    legalText: brand.legalText,
    supportUrl: safeUrl(brand.supportUrl) ?? '',
    supportEmail: brand.supportEmail,
    portalUrl: safeUrl(brand.portalUrl) ?? '',
    onPrimaryColor: contrast(primary, WHITE) >= contrast(primary, INK) ? '#ffffff' : '#111827',
    linkColor: toHex(readableOn(primary, WHITE, [0, 0, 0], 5)), // 5:1 on white keeps 4.5:1 on the grey page
    linkColorDark: toHex(readableOn(primary, DARK_CARD, WHITE)),
  };
}

// brand.* for one email in `locale`: the localized footer and legal text where the brand has them.
export function brandForLocale(brand: BrandTemplateValues, texts: LocalizedBrandTexts | undefined, locale: unknown): BrandTemplateValues {
  if (!texts || typeof locale !== 'string' || !locale) return brand;
  const own = Object.prototype.hasOwnProperty.call(texts, locale) ? texts[locale] : undefined;
  const language = locale.split('-')[0];
  const lang = language !== locale && Object.prototype.hasOwnProperty.call(texts, language) ? texts[language] : undefined;
  if (!own && !lang) return brand;
  return {
    ...brand,
    footerText: own?.footerText ?? lang?.footerText ?? brand.footerText,
    legalText: own?.legalText ?? lang?.legalText ?? brand.legalText,
  };
}

function color(value: string, field: string): Rgb {
  const rgb = parseHexColor(value ?? '');
  if (!rgb) throw new TemplateCompileError('invalid_brand', `brand ${field} must be a #rgb or #rrggbb colour, got "${value}"`);
  return rgb;
}

// Only web and mail links end up in href/src; anything else (javascript:, data:, file:) becomes nothing.
function safeUrl(url: string | null): string | null {
  if (!url) return null;
  return /^(https?:\/\/|mailto:)/i.test(url.trim()) ? url.trim() : null;
}

// Pass 1 of the compile: [[brand.path]] is replaced by the brand's value before MJML runs, so MJML sees real colours
// and widths (inline styles, numeric attributes, inline mj-style). Every {{…}} is left alone for the per-email pass.
// Values are HTML-escaped, and { \ and newlines are encoded too, so that a brand value can never form a Handlebars
// statement for pass 3 nor shift the line numbers the validator reports.
export const BRAND_PLACEHOLDER = /\[\[\s*brand\.([A-Za-z][A-Za-z0-9]*)\s*\]\]/g;

export function bindBrand(mjml: string, brand: BrandTemplateValues, unknown: 'throw' | 'empty' = 'throw'): string {
  return mjml.replace(BRAND_PLACEHOLDER, (_all, name: string) => {
    if (!isBrandKey(brand, name)) {
      if (unknown === 'empty') return '';
      throw new TemplateCompileError('unknown_brand_value', `[[brand.${name}]] is not a brand value`, 'mjml');
    }
    const value = (brand as unknown as Record<string, unknown>)[name];
    return escapeBound(value === null || value === undefined ? '' : String(value));
  });
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;',
  '{': '&#123;', '}': '&#125;', '\\': '&#92;', '\n': '&#10;', '\r': '',
};
const escapeBound = (s: string) => s.replace(/[&<>"'`{}\\\r\n]/g, (c) => ESCAPES[c]);

export const isBrandKey = (brand: BrandTemplateValues, name: string) => Object.prototype.hasOwnProperty.call(brand, name);
