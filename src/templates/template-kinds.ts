import { CHANNEL_PARTS, CHANNEL_TEMPLATE_KINDS, ChannelPart, ChannelTemplateKind } from './channel-template-kinds';

// Channel kinds (chat, push, paging, SMS) are short plain-text parts, no MJML: channel-template-kinds.ts.
export const TEMPLATE_KINDS = ['digest.daily', 'digest.weekly', 'digest.monthly', 'ticket.malware', 'alert.urgent', 'rule.fired', ...CHANNEL_TEMPLATE_KINDS] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];
export type EmailTemplateKind = Exclude<TemplateKind, ChannelTemplateKind>;
export const EMAIL_TEMPLATE_KINDS = TEMPLATE_KINDS.filter((k): k is EmailTemplateKind => !k.startsWith('channel.'));
export type DigestKind = Extract<TemplateKind, `digest.${string}`>;
export const DIGEST_KINDS = TEMPLATE_KINDS.filter((k): k is DigestKind => k.startsWith('digest.'));

// Locales shipped in templates/locales (the list is in brands/, whose per-locale texts are checked against it).
export { LOCALES, type Locale } from '../brands/locales';

export const TEMPLATE_PARTS = ['subject', 'mjml', 'text'] as const;
export type EmailPart = (typeof TEMPLATE_PARTS)[number];
// Any part an issue or an error can name: an e-mail kind's or a channel kind's.
export type TemplatePart = EmailPart | ChannelPart;
export const ALL_PARTS: readonly TemplatePart[] = [...TEMPLATE_PARTS, ...CHANNEL_PARTS];

export interface TemplateSource {
  subject: string;
  mjml: string;
  text: string;
}

export interface TemplateLimits {
  sourceBytes: number; // per part, checked before anything parses it
  outputBytes: number; // per rendered part
  renderMs: number; // a render that took longer fails instead of being sent
  cacheEntries: number; // compiled (template version, brand version) pairs kept
}

export const DEFAULT_LIMITS: TemplateLimits = {
  sourceBytes: 256 * 1024,
  outputBytes: 1024 * 1024,
  renderMs: 2000,
  cacheEntries: 200,
};

export const isTemplateKind = (k: string): k is TemplateKind => (TEMPLATE_KINDS as readonly string[]).includes(k);

export { CHANNEL_PARTS, CHANNEL_TEMPLATE_KINDS, isChannelTemplateKind, type ChannelPart, type ChannelSource, type ChannelTemplateKind } from './channel-template-kinds';
