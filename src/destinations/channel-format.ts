import type { ChannelSeverity, ChannelText } from './channel-message';

// Per-channel escaping, length limits and priority scales for the text of a message. Event data (file paths, threat
// names, domains) comes from scanned servers: it must never form markup, links or mentions on the channel. Pure.

// Slack mrkdwn and Google Chat: & < > are the control characters (<!channel>, <!here>, <@U…>, <users/all>, <url|x>);
// entity-escaped (& first) they cannot form a token. Plain @channel is linked only with link_names/parse=full, which
// the adapters never send.
export function escapeAngle(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Telegram MarkdownV2: '\' first, then the 18 characters the Bot API lists ("In all other places characters … must
// be escaped with the preceding character '\'").
export function escapeMarkdownV2(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/[_*[\]()~`>#+\-=|{}.!]/g, (c) => `\\${c}`);
}

// Discord markdown: every formatting character backslash-escaped (links, headings, masks, spoilers, code), and a
// zero-width space after each @ so that @everyone / @here / <@id> cannot even look like a mention (allowed_mentions
// {parse: []} already stops the ping).
export function escapeDiscord(s: string): string {
  return s.replace(/[\\*_~`|>#\-[\]()<:]/g, (c) => `\\${c}`).replace(/@/g, '@\u200b');
}

// Teams Adaptive Card TextBlocks render a markdown subset (emphasis, links, lists): the characters that can open a
// link or emphasis are backslash-escaped (CommonMark; whether Teams' renderer honours every escape is UNCONFIRMED,
// so the set is kept to what matters); a mention needs an msteams.entities entry, which is never sent.
export function escapeCommonMark(s: string): string {
  return s.replace(/[\\`*_[\]()<>~]/g, (c) => `\\${c}`);
}

// The longest body (cut, with "…") whose whole message, as measure() sizes it, fits max. The title and link are
// kept: a long message is shortened, never refused. measure is given the candidate body.
export function fitBody(body: string, max: number, measure: (body: string) => number): { body: string; truncated: boolean } {
  if (measure(body) <= max) return { body, truncated: false };
  const chars = Array.from(body);
  // The longest prefix that fits, by bisection (escaping makes the measure grow unevenly with the cut).
  let lo = 0;
  let hi = chars.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(chars.slice(0, mid).join('') + '…') <= max) lo = mid;
    else hi = mid - 1;
  }
  return { body: chars.slice(0, lo).join('') + '…', truncated: true };
}

// A string cut to max characters (code points), with "…".
export function clipTo(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
}

export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

// Severity on each channel's own scale.
export const NTFY_PRIORITY: Record<ChannelSeverity, number> = { critical: 5, high: 4, medium: 3, low: 2, info: 1 };
export const PUSHOVER_PRIORITY: Record<ChannelSeverity, number> = { critical: 1, high: 1, medium: 0, low: -1, info: -2 };
export const PAGERDUTY_SEVERITY: Record<ChannelSeverity, string> = { critical: 'critical', high: 'error', medium: 'warning', low: 'info', info: 'info' };
export const OPSGENIE_PRIORITY: Record<ChannelSeverity, string> = { critical: 'P1', high: 'P2', medium: 'P3', low: 'P4', info: 'P5' };
export const GOTIFY_PRIORITY: Record<ChannelSeverity, number> = { critical: 10, high: 8, medium: 5, low: 3, info: 1 };

// XML character data and attribute values (Twilio TwiML <Say>): the five predefined entities, & first; characters
// XML 1.0 cannot carry at all (controls other than tab/newline, lone surrogates, U+FFFE/FFFF) dropped.
export function escapeXml(s: string): string {
  return s
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

// The GSM 03.38 default alphabet and its extension table (each extension character costs two septets): SMS text
// outside it must be sent as UCS-2 (Vonage type=unicode), 70 characters a segment instead of 160.
const GSM7 = new Set(Array.from('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€'));
export function isGsm7(s: string): boolean {
  for (const c of s) if (!GSM7.has(c)) return false;
  return true;
}

// The SMS / WhatsApp text: title, body and link, the body cut so that the whole fits (UTF-16 units, which Twilio
// counts at least as strictly as characters).
export function smsText(t: ChannelText, max: number): { text: string; truncated: boolean } {
  const head = t.title;
  const tail = t.link ? `\n${t.link}` : '';
  const fitted = fitBody(t.body, max, (b) => (b ? `${head}\n${b}${tail}` : `${head}${tail}`).length);
  const whole = fitted.body ? `${head}\n${fitted.body}${tail}` : `${head}${tail}`;
  if (whole.length <= max) return { text: whole, truncated: fitted.truncated };
  // Even the title does not fit (a small maxLength): cut it, never in the middle of a surrogate pair.
  const cut = whole.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '');
  return { text: `${cut}…`, truncated: true };
}
