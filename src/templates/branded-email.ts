import type { MailMessage } from '../mail/mail-message';
import type { ResolvedBrand } from '../brands/resolved-brand';
import type { RenderedEmail } from './template-renderer';
import type { TemplateKind, TemplateSource } from './template-kinds';

// The contract between brands/templates (who owns a brand's identity and its published templates) and the features
// that send with them (digests, test-send, later ticket and chat destinations).

// ResolvedBrand (a brand as a sender needs it) is the brand's: src/brands/resolved-brand.ts.
export type { ResolvedBrand } from '../brands/resolved-brand';

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
