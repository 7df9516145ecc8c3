import type { MailMessage } from '../mail/mail-message';
import type { BrandValues } from './brand-values';
import type { RenderedEmail } from './template-renderer';
import type { TemplateKind, TemplateSource } from './template-kinds';

// The contract between brands/templates (who owns a brand's identity and its published templates) and the features
// that send with them (digests, test-send, later ticket and chat destinations).

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

// The source a brand sends for a kind: its published version, or the shipped default until it overrides one.
export interface PublishedTemplate {
  templateId: string | null; // null = the shipped default
  version: number | null;
  source: TemplateSource;
  cacheKey: string; // (template version, brand version)
}

export interface BrandedEmail {
  brand: ResolvedBrand;
  template: PublishedTemplate;
  email: RenderedEmail;
}

// How a brand signs a message: From, Reply-To and DKIM key, the same for every sender (digests, test sends, the email
// destination).
export function brandEnvelope(brand: ResolvedBrand): Pick<MailMessage, 'from' | 'replyTo' | 'dkim'> {
  return { from: { name: brand.senderName, address: brand.senderEmail }, replyTo: brand.replyTo, dkim: brand.dkim };
}

export type { TemplateKind };
