// Intl formatters cost tens of microseconds to build and renders call them hundreds of times: keep them.
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const pluralRules = new Map<string, Intl.PluralRules>();
const MAX = 500;

function remember<T>(map: Map<string, T>, key: string, make: () => T): T {
  let v = map.get(key);
  if (!v) {
    if (map.size >= MAX) map.clear();
    v = make();
    map.set(key, v);
  }
  return v;
}

export const numberFormat = (locale: string, style: 'plain' | 'signed' | 'percent') =>
  remember(numberFormats, `${locale}|${style}`, () =>
    new Intl.NumberFormat(locale, style === 'plain' ? {} : style === 'signed'
      ? { signDisplay: 'exceptZero' }
      : { style: 'percent', signDisplay: 'exceptZero', maximumFractionDigits: 0 }));

export const DATE_STYLES: Record<string, Intl.DateTimeFormatOptions> = {
  date: { dateStyle: 'medium' },
  long: { dateStyle: 'long' },
  full: { dateStyle: 'full' },
  datetime: { dateStyle: 'medium', timeStyle: 'short' },
  time: { timeStyle: 'short' },
  month: { month: 'long', year: 'numeric' },
  day: { day: 'numeric', month: 'short' },
};

// An unknown IANA zone throws a RangeError here, on purpose: the render fails with that reason.
export const dateFormat = (locale: string, style: string, timeZone: string) =>
  remember(dateFormats, `${locale}|${style}|${timeZone}`, () =>
    new Intl.DateTimeFormat(locale, { ...(DATE_STYLES[style] ?? DATE_STYLES.date), timeZone }));

export const pluralRule = (locale: string) => remember(pluralRules, locale, () => new Intl.PluralRules(locale));

// A tag Intl accepts, else the fallback: data may carry "de_DE" or garbage.
export function intlLocale(requested: unknown, fallback: string): string {
  if (typeof requested !== 'string' || !requested) return fallback;
  try {
    return Intl.getCanonicalLocales(requested.replace('_', '-'))[0] ?? fallback;
  } catch {
    return fallback;
  }
}
