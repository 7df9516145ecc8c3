import { brandForLocale, resolveBrand } from '../templates/brand-values';
import { SAMPLE_BRAND } from '../templates/template-variables';
import { checkLocalized, LOCALIZED_MAX_LOCALES } from './localized-text';

describe('brand texts per locale', () => {
  it('takes known locales, written canonically, with footerText and/or legalText', () => {
    expect(checkLocalized({ de: { footerText: 'Fuß', legalText: 'Impressum' }, 'fr-ch': { legalText: 'Mentions' }, nl_BE: {} }, 100))
      .toEqual({ ok: true, value: { de: { footerText: 'Fuß', legalText: 'Impressum' }, 'fr-CH': { legalText: 'Mentions' }, 'nl-BE': {} } });
    expect(checkLocalized(null, 100)).toEqual({ ok: true, value: {} });
  });

  it('refuses unknown locales, unknown fields, long or NUL texts, too many locales, and other shapes, naming the field', () => {
    const field = (v: unknown) => { const r = checkLocalized(v, 10); return r.ok ? null : r.field; };
    expect(field({ pt: { footerText: 'x' } })).toBe('localized.pt');
    expect(field({ 'not a tag': {} })).toBe('localized.not a tag');
    expect(field({ de: { footer: 'x' } })).toBe('localized.de.footer');
    expect(field({ de: { footerText: 'x'.repeat(11) } })).toBe('localized.de.footerText');
    expect(field({ de: { footerText: 'a\u0000b' } })).toBe('localized.de.footerText');
    expect(field({ de: { footerText: 1 } })).toBe('localized.de.footerText');
    expect(field({ de: 'Fuß' })).toBe('localized.de');
    expect(field({ de: {}, DE: {} })).toBe('localized.DE');
    expect(field(['de'])).toBe('localized');
    expect(field(Object.fromEntries(Array.from({ length: LOCALIZED_MAX_LOCALES + 1 }, (_, i) => [`de-${String(i).padStart(3, '0')}`, {}])))).toBe('localized');
  });

  it('picks the locale\'s text, then the language\'s, then the brand\'s own, field by field', () => {
    const brand = resolveBrand({ ...SAMPLE_BRAND, footerText: 'Footer', legalText: 'Legal' });
    const texts = { de: { footerText: 'Fußzeile', legalText: 'Rechtliches' }, 'de-CH': { legalText: 'Rechtliches (CH)' }, fr: { footerText: 'Pied' } };
    const pick = (locale: string) => { const b = brandForLocale(brand, texts, locale); return [b.footerText, b.legalText]; };
    expect(pick('de')).toEqual(['Fußzeile', 'Rechtliches']);
    expect(pick('de-CH')).toEqual(['Fußzeile', 'Rechtliches (CH)']);
    expect(pick('de-AT')).toEqual(['Fußzeile', 'Rechtliches']);
    expect(pick('fr')).toEqual(['Pied', 'Legal']);
    expect(pick('es')).toEqual(['Footer', 'Legal']);
    expect(brandForLocale(brand, undefined, 'de')).toBe(brand);
  });
});
