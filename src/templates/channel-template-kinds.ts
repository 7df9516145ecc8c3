// Template kinds for chat, push, paging and SMS channels: per cause, four short Handlebars parts rendered as plain
// text (no MJML, no HTML escaping: each channel adapter escapes and truncates for its own format).
export const CHANNEL_TEMPLATE_KINDS = ['channel.security_event', 'channel.rule.fired', 'channel.digest.sent'] as const;
export type ChannelTemplateKind = (typeof CHANNEL_TEMPLATE_KINDS)[number];

// title: one line; body: plain text; link: an http(s) URL or empty; severity: critical, high, medium, low or info.
export const CHANNEL_PARTS = ['title', 'body', 'link', 'severity'] as const;
export type ChannelPart = (typeof CHANNEL_PARTS)[number];

export type ChannelSource = Record<ChannelPart, string>;

// A channel part is a line or a short text: 16 KB of source is already far more than any channel shows.
export const CHANNEL_SOURCE_BYTES = 16 * 1024;

export const isChannelTemplateKind = (k: string): k is ChannelTemplateKind => (CHANNEL_TEMPLATE_KINDS as readonly string[]).includes(k);
