// The brand as the features that send with it see it (templates, digests, alerts, destinations). Here, in brands/,
// because templates resolve the brand they render (templates/ imports brands/, never the reverse).

// What a brand gives the templates (the brand API stores more: sender, DKIM, …, none of which a template may show).
export interface BrandValues {
  name: string;
  logoUrl: string | null;
  logoWidth: number; // px, as the logo should appear (16–300)
  primaryColor: string; // #rgb or #rrggbb
  accentColor: string;
  footerText: string;
  legalText: string;
  supportUrl: string;
  supportEmail: string | null;
  portalUrl: string;
  localized?: LocalizedBrandTexts; // per locale; never a template value itself (see brandForLocale)
}

// A brand's footer and legal text per locale ("de", "de-CH"); a missing text falls back to the language's, then to
// the brand's own footerText / legalText.
export interface LocalizedBrandText {
  footerText?: string;
  legalText?: string;
}
export type LocalizedBrandTexts = Record<string, LocalizedBrandText>;

// A brand as a sender needs it: what templates may show, plus the envelope (never shown to templates).
export interface ResolvedBrand {
  id: string;
  version: number; // bumps on every brand change; part of the compile cache key
  values: BrandValues;
  senderName: string;
  senderEmail: string;
  replyTo: string | null;
  publicBaseUrl: string; // unsubscribe / preference links are built on it
  customerPageTtlDays: number; // how long a customer-page link works (src/customer-page)
  dkim: { domainName: string; keySelector: string; privateKey: string } | null; // privateKey already decrypted
}
