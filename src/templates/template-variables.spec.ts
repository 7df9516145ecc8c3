import { defaultLocaleCatalog } from './default-templates';
import { LOCALES, TEMPLATE_KINDS } from './template-kinds';
import { sampleData, TEMPLATE_VARIABLES } from './template-variables';

// Every path of a value: "sites", "sites[]", "sites[].domain", … (arrays through their items).
function paths(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    out.add(prefix);
    value.forEach((item) => paths(item, `${prefix}[]`, out));
  } else if (value && typeof value === 'object') {
    if (prefix) out.add(prefix);
    for (const [k, v] of Object.entries(value)) paths(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.add(prefix);
  }
  return out;
}

describe('template variables and sample data', () => {
  for (const kind of TEMPLATE_KINDS) {
    it(`documents exactly the shape of the ${kind} sample data`, () => {
      const documented = TEMPLATE_VARIABLES[kind].map((v) => v.path).sort();
      for (const locale of LOCALES) {
        const actual = [...paths(sampleData(kind, locale))].filter((p) => !p.endsWith('[]')).sort();
        expect(actual).toEqual(documented);
      }
      for (const v of TEMPLATE_VARIABLES[kind]) expect(v.description.length).toBeGreaterThan(3);
    });
  }

  it('marks only brand values as bindable with [[brand.*]]', () => {
    for (const v of TEMPLATE_VARIABLES['digest.weekly'].filter((x) => x.brandBinding)) expect(v.path).toMatch(/^brand\./);
  });

  it('has every English text key in every locale, with the same placeholders', () => {
    const catalog = defaultLocaleCatalog();
    const en = catalog.get('en')!;
    const placeholders = (t: unknown) => JSON.stringify(t).match(/\{\w+\}/g)?.filter((p) => p !== '{count}').sort().join() ?? '';
    for (const locale of LOCALES) {
      const strings = catalog.get(locale)!;
      expect([...strings.keys()].sort()).toEqual([...en.keys()].sort());
      for (const [key, text] of en) expect(`${key}: ${placeholders(strings.get(key))}`).toBe(`${key}: ${placeholders(text)}`);
    }
  });
});
