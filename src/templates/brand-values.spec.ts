import { parseHexColor, contrast } from './colors';
import { bindBrand, resolveBrand } from './brand-values';
import { SAMPLE_BRAND } from './sample-data';

const WHITE = [255, 255, 255] as const;
const DARK_CARD = [31, 41, 55] as const;

describe('brand values', () => {
  it('derives readable link and button colours from any primary colour', () => {
    for (const primary of ['#0b5fff', '#ffd400', '#ffffff', '#000000', '#e11d48', '#7dd3fc', '#123']) {
      const b = resolveBrand({ ...SAMPLE_BRAND, primaryColor: primary });
      expect(contrast(parseHexColor(b.linkColor)!, [...WHITE])).toBeGreaterThanOrEqual(5);
      expect(contrast(parseHexColor(b.linkColorDark)!, [...DARK_CARD])).toBeGreaterThanOrEqual(4.5);
      expect(contrast(parseHexColor(b.onPrimaryColor)!, parseHexColor(b.primaryColor)!)).toBeGreaterThanOrEqual(4.5 - 0.6); // mid greys cap near 4
    }
    expect(resolveBrand({ ...SAMPLE_BRAND, primaryColor: '#0B5FFF' }).linkColor).toBe('#0b5fff'); // already readable: unchanged
  });

  it('refuses colours and widths that are not what they claim, and drops unsafe URLs', () => {
    expect(() => resolveBrand({ ...SAMPLE_BRAND, accentColor: 'blue' })).toThrow(/accentColor/);
    expect(() => resolveBrand({ ...SAMPLE_BRAND, logoWidth: 4000 })).toThrow(/logoWidth/);
    expect(resolveBrand({ ...SAMPLE_BRAND, logoUrl: 'javascript:alert(1)', portalUrl: 'file:///etc/passwd' })).toMatchObject({ logoUrl: null, portalUrl: '' });
  });

  it('binds [[brand.*]] only, escaped, without moving lines', () => {
    const brand = resolveBrand({ ...SAMPLE_BRAND, footerText: 'A & B\n{{x}} "q"' });
    const mjml = 'a [[brand.primaryColor]] [[ brand.footerText ]]\n{{brand.name}} [[other]]';
    expect(bindBrand(mjml, brand)).toBe('a #0b5fff A &amp; B&#10;&#123;&#123;x&#125;&#125; &quot;q&quot;\n{{brand.name}} [[other]]');
    expect(() => bindBrand('[[brand.nope]]', brand)).toThrow(/not a brand value/);
    expect(bindBrand('[[brand.nope]]', brand, 'empty')).toBe('');
  });
});
