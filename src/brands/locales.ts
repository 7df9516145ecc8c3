// Locales shipped in templates/locales; any other tag falls back by language, then to English. Here, not in
// templates/, because a brand's per-locale texts are checked against it and templates import brands, not the reverse.
export const LOCALES = ['en', 'de', 'fr', 'es', 'nl'] as const;
export type Locale = (typeof LOCALES)[number];
