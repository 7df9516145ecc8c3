import { clipTo } from './channel-format';
import type { OutboundMessage } from './destination';
import { closesIncident, ruleIncidentKey, updatesIncident } from './message-incident';

// The text form of any outbound message, for chat, push and paging channels: a title, a plain-text body, a link and
// a severity. From the message's own text when it has one (a test, a notice, a digest), else from its event (type and
// data). Plain text, unescaped: each adapter escapes for its channel (channel-format.ts). Pure.

export const CHANNEL_SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type ChannelSeverity = (typeof CHANNEL_SEVERITIES)[number];

export interface ChannelText {
  title: string;
  body: string;
  link: string | null; // an http(s) URL only
  severity: ChannelSeverity;
  // Paging channels: open (trigger) or close (resolve) the incident known by `key`. A message resolves when its type
  // says a thing recovered or resolved (`*.resolved`, `*.recovered`) or its data says { action: 'resolve' }.
  action: 'trigger' | 'resolve';
  key: string; // stable per incident: data.dedupKey, data.incident.id, data.event.id, else the delivery's id
  timestamp: string | null;
  type: string | null; // the event type, when there is one
  icon: string | null; // the brand's logo (an http(s) URL), for channels that show an icon or avatar
}

const MAX_LINES = 30;
const MAX_TITLE = 1000; // a templated title; each adapter cuts further to its channel's own limit
const MAX_VALUE = 300;

export function channelText(m: OutboundMessage, deliveryId: string): ChannelText | null {
  const event = m.event;
  const data = (event?.data ?? {}) as Record<string, unknown>;
  const inner = obj(data.event);
  const severity = toSeverity(str(data.severity) ?? str(inner?.severity));
  // A rule's firing (rule.fired) names its incident as a string and, for a transition, whether it opens it: the
  // recovery (opens: false) resolves what the opening triggered, under the same key.
  const resolve = !!event && closesIncident(event.type, data);
  const ruleIncident = ruleIncidentKey(data);
  const key = str(data.dedupKey) ?? prefixed('incident', str(obj(data.incident)?.id)) ?? ruleIncident ?? prefixed(event?.type, str(inner?.id)) ?? `delivery:${deliveryId}`;
  const base = { link: link(data), severity, action: resolve ? ('resolve' as const) : ('trigger' as const), key, timestamp: event?.timestamp ?? null, type: event?.type ?? null, icon: httpUrl(m.brand?.values.logoUrl) };
  if (m.text) return { ...base, ...templated(m.text) };
  if (m.content) return { ...base, title: clip(oneLine(m.content.subject)), body: m.content.text.trim() };
  if (!event) return null;
  if (event.type === 'security_event.created' && inner) return { ...base, ...securityEvent(inner, data) };
  if (obj(data.rule) && Array.isArray(data.events)) return { ...base, severity: firingSeverity(data) ?? severity, ...ruleFiring(data) };
  return { ...base, title: event.type, body: flatten(data).slice(0, MAX_LINES).join('\n') };
}

// A channel template's output: plain text as the brand wrote it. A link that is not an http(s) URL is dropped and an
// unknown severity is info, as for a message without a template; the adapter escapes and cuts the rest.
function templated(t: NonNullable<OutboundMessage['text']>): Pick<ChannelText, 'title' | 'body' | 'link' | 'severity'> {
  return { title: clipTo(oneLine(t.title), MAX_TITLE), body: t.body.trim(), link: httpUrl(t.link), severity: toSeverity(t.severity) };
}

function securityEvent(e: Record<string, unknown>, data: Record<string, unknown>): { title: string; body: string } {
  const kind = str(e.kind) ?? 'event';
  const sev = str(e.severity);
  const where = str(e.domain) ?? str(obj(data.site)?.domain);
  const threat = str(e.threatName) && clip(oneLine(str(e.threatName)!));
  const title = `${sev ? `${cap(sev)} ` : ''}${kind}${threat ? `: ${threat}` : ''}${where ? ` on ${where}` : ''}`;
  const lines: [string, string | null][] = [
    ['Threat', threat], ['File', str(e.filePath)], ['Process', str(e.process)], ['Site', where], ['Server', str(e.server)],
    ['Customer', str(obj(data.customer)?.name)], ['Occurred', str(e.occurredAt)],
  ];
  return { title: oneLine(title), body: lines.filter(([, v]) => v).map(([k, v]) => `${k}: ${clip(oneLine(v!))}`).join('\n') };
}

// A rule's firing: the rule's name, whom it concerns and what changed as the title; its events as lines (a firing
// lists up to 50, then "and N more").
function ruleFiring(data: Record<string, unknown>): { title: string; body: string } {
  const name = clip(oneLine(str(obj(data.rule)?.name) ?? 'Rule'));
  const who = str(obj(data.customer)?.name);
  const update = updatesIncident(data);
  const change = update && str(data.to) ? `update, still ${str(data.to)}` : str(data.from) && str(data.to) ? `${str(data.from)} → ${str(data.to)}` : str(data.count) ? `${str(data.count)} in ${str(data.windowSeconds) ?? '?'} s` : null;
  const events = (data.events as unknown[]).map(obj).filter((e): e is Record<string, unknown> => !!e);
  const lines = events.slice(0, MAX_LINES).map((e) => {
    const what = [str(e.severity), str(e.kind)].filter(Boolean).join(' ');
    const threat = str(e.threatName);
    const where = str(e.domain) ?? str(e.server);
    return clip(oneLine(`${what || 'event'}${threat ? `: ${threat}` : ''}${where ? ` on ${where}` : ''}${str(e.filePath) ? ` (${str(e.filePath)})` : ''}`));
  });
  // an update is a reply on the incident's thread or ticket: say what it adds before the events
  if (update) lines.unshift(`Update: still ${str(data.to) ?? 'open'}, more activity since the last message:`);
  const more = (Number(data.more) || 0) + Math.max(0, events.length - MAX_LINES);
  if (more > 0) lines.push(`and ${more} more`);
  const suppressed = Number(data.suppressed) || 0;
  if (suppressed > 0) lines.push(`(${suppressed} more held back by the rule's cooldown since the last message)`);
  return { title: oneLine(`${name}${who ? ` — ${who}` : ''}${change ? `: ${change}` : ''}`), body: lines.join('\n') };
}

// The highest severity among a firing's events.
function firingSeverity(data: Record<string, unknown>): ChannelSeverity | null {
  const found = (data.events as unknown[]).map((e) => str(obj(e)?.severity)).filter((x): x is string => !!x).map(toSeverity);
  return found.length ? CHANNEL_SEVERITIES.find((s) => found.includes(s)) ?? null : null;
}

// data as "path: value" lines, for message types without a text of their own.
function flatten(v: unknown, path = ''): string[] {
  if (v === null || v === undefined) return [];
  if (typeof v !== 'object') return [`${path || 'value'}: ${clip(oneLine(String(v)))}`];
  const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v as Record<string, unknown>);
  return entries.flatMap(([k, x]) => flatten(x, path ? `${path}.${k}` : k));
}

// A value of event data as a channel message shows it: on one line, at most 300 characters; null when empty. For the
// causes that hand their channel templates the same values this file's own text uses.
export function lineValue(v: unknown): string | null {
  const s = str(v);
  return s === null ? null : clip(oneLine(s));
}

// The highest of some severities, or null when none is given.
export function highestSeverity(values: unknown[]): ChannelSeverity | null {
  const found = values.map(str).filter((x): x is string => !!x).map(toSeverity);
  return found.length ? CHANNEL_SEVERITIES.find((s) => found.includes(s)) ?? null : null;
}

export function toSeverity(s: string | null | undefined): ChannelSeverity {
  const v = (s ?? '').toLowerCase();
  return (CHANNEL_SEVERITIES as readonly string[]).includes(v) ? (v as ChannelSeverity) : v === 'warning' ? 'medium' : v === 'error' ? 'high' : 'info';
}

function link(data: Record<string, unknown>): string | null {
  return httpUrl(str(data.link) ?? str(data.url));
}

function httpUrl(v: string | null | undefined): string | null {
  if (!v || v.length > 2000) return null;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : null);
const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim();
const clip = (s: string) => (s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s);
const prefixed = (p: string | null | undefined, id: string | null) => (id ? `${p ?? 'id'}:${id}` : null);
