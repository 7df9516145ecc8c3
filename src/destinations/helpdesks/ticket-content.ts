import { createHash } from 'node:crypto';
import { ChannelSeverity, channelText } from '../channel-message';
import { incidentMarker } from '../incident-ticket';
import type { OutboundEvent } from '../destination';
import { HelpdeskParams } from './helpdesk-params';

// What a helpdesk ticket (or a later note on it) says for one incident of a rule's message: the rule's params where
// given, else the message's own text form; the requester from the customer (else the destination's fallback
// address); tags that name hostdigest, the rule and the incident, so the ticket can be found again (a lost answer)
// by a tag search. Pure: the same message gives the same content on every retry (Zendesk's Idempotency-Key
// compares bodies).
export interface TicketContent {
  subject: string;
  body: string; // plain text
  severity: ChannelSeverity;
  requester: { name: string; email: string | null };
  tags: string[];
  incidentTag: string; // the incident's marker (incident-ticket.ts) in lower case, as tags are: hd-1a2b3c4d5e6f
  externalKey: string; // hostdigest-<destination>-<hash>: Zendesk's external_id and Idempotency-Key
  params: HelpdeskParams;
}

export function ticketContent(o: {
  destinationId: string; deliveryId: string; threadKey: string; event: OutboundEvent; data: Record<string, unknown>; params: HelpdeskParams; fallbackEmail: string | null;
}): TicketContent {
  const text = channelText({ event: { ...o.event, data: o.data } }, o.deliveryId);
  const hash = createHash('sha256').update(o.threadKey).digest('hex');
  const rule = obj(o.data.rule);
  const customer = obj(o.data.customer);
  const emails = Array.isArray(customer?.emails) ? customer!.emails : [];
  const email = [customer?.email, ...emails].find((e): e is string => typeof e === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) ?? o.fallbackEmail;
  const incidentTag = incidentMarker(o.threadKey).toLowerCase();
  const ruleTag = typeof rule?.id === 'string' ? [`hd-rule-${rule.id.replace(/-/g, '').slice(0, 16)}`] : [];
  const link = text?.link ? `\n\n${text.link}` : '';
  return {
    subject: (o.params.subject ?? text?.title ?? o.event.type).slice(0, 250),
    // The headline first: it says what changed (clean → infected, infected → clean), the lines below say where.
    body: (o.params.body ?? [text?.title ?? o.event.type, text?.body].filter(Boolean).join('\n\n') + link).slice(0, 20_000),
    severity: text?.severity ?? 'info',
    requester: { name: (typeof customer?.name === 'string' && customer.name.trim()) || 'hostdigest', email },
    tags: [...new Set(['hostdigest', ...ruleTag, incidentTag, ...(o.params.tags ?? [])])],
    incidentTag,
    externalKey: `hostdigest-${o.destinationId}-${hash.slice(0, 32)}`,
    params: o.params,
  };
}

// Text as the HTML a helpdesk shows (Freshdesk descriptions and notes, Help Scout threads): escaped, lines kept.
export function asHtml(text: string): string {
  const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return esc.split(/\n{2,}/).map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`).join('');
}

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
