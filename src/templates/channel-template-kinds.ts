// Template kinds for chat, push, paging and SMS channels: per cause, four short Handlebars parts rendered as plain
// text (no MJML, no HTML escaping: each channel adapter escapes and truncates for its own format).
export const CHANNEL_TEMPLATE_KINDS = ['channel.security_event', 'channel.rule.fired', 'channel.digest.sent'] as const;
export type ChannelTemplateKind = (typeof CHANNEL_TEMPLATE_KINDS)[number];

// title: one line; body: plain text; link: an http(s) URL or empty; severity: critical, high, medium, low or info.
export const CHANNEL_PARTS = ['title', 'body', 'link', 'severity'] as const;
export type ChannelPart = (typeof CHANNEL_PARTS)[number];

// byKind: parts that replace the base parts for one channel destination kind (a shorter body for `twilio`, another
// title for `pagerduty`); the kinds are the destinations' (ChannelKindNames).
export type ChannelSource = Record<ChannelPart, string> & { byKind?: Record<string, Partial<Record<ChannelPart, string>>> };

// The parts a destination of this kind gets: its override's parts over the base ones.
export function channelSourceFor(source: ChannelSource, destinationKind: string | null): Record<ChannelPart, string> {
  const own = destinationKind && source.byKind && Object.prototype.hasOwnProperty.call(source.byKind, destinationKind) ? source.byKind[destinationKind] : {};
  return Object.fromEntries(CHANNEL_PARTS.map((p) => [p, own[p] ?? source[p]])) as Record<ChannelPart, string>;
}

// A channel part is a line or a short text: 16 KB of source is already far more than any channel shows.
export const CHANNEL_SOURCE_BYTES = 16 * 1024;

export const isChannelTemplateKind = (k: string): k is ChannelTemplateKind => (CHANNEL_TEMPLATE_KINDS as readonly string[]).includes(k);
