import { pageLocale, say, STRINGS } from './page-strings';

const keys = (o: object, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`])).sort();
const values = (o: object): string[] => Object.values(o).flatMap((v) => (typeof v === 'string' ? [v] : values(v)));

describe('customer page strings', () => {
  it('has every string in every locale, none with markup (values are inserted as HTML)', () => {
    for (const [lang, strings] of Object.entries(STRINGS)) {
      expect([lang, keys(strings)]).toEqual([lang, keys(STRINGS.en)]);
      expect(values(strings).filter((v) => /[<>&"]/.test(v))).toEqual([]);
    }
  });

  it('picks a locale and plural forms', () => {
    expect(['de-AT', 'FR', 'pt-BR', '', null].map(pageLocale)).toEqual(['de', 'fr', 'en', 'en', 'en']);
    expect(say('en', STRINGS.en.siteOpen, { count: 1 })).toBe('1 open threat');
    expect(say('en', STRINGS.en.siteOpen, { count: 1234 })).toBe('1,234 open threats');
    expect(say('fr', STRINGS.fr.siteOpen, { count: 0 })).toBe('0 menace en attente'); // French: 0 is singular
    expect(say('de', STRINGS.de.siteOpen, { count: 1234 })).toBe('1.234 offene Bedrohungen');
  });
});
