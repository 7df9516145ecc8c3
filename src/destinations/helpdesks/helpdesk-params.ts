import { ValidationError } from '../../errors/domain-error';

// What a rule action asks of a helpdesk: the ticket's subject and first message (Handlebars over the trigger's
// variables, rendered before the adapter sees them), its priority, type, group and tags, how later messages of the
// incident are added (an internal note, or a reply the customer sees) and the status its recovery sets. Each
// helpdesk takes the part its API has; the rest is refused when the rule is saved, naming the field. Pure.
export interface HelpdeskParams {
  subject?: string;
  body?: string;
  priority?: string | number;
  type?: string;
  group?: number;
  tags?: string[];
  closeStatus?: string;
  replyAs?: 'note' | 'reply';
  topicId?: number;
}

export interface ParamRules {
  priority?: readonly string[] | 'id'; // the helpdesk's names, or a numeric id (osTicket priorityId)
  type?: readonly string[] | 'text';
  group?: boolean;
  tags?: boolean;
  closeStatus?: readonly string[];
  replyAs?: boolean;
  topicId?: boolean;
}

const MAX_SUBJECT = 250;
const MAX_BODY = 20_000;
const MAX_TAGS = 20;

export function checkHelpdeskParams(kind: string, rules: ParamRules, raw: unknown, field: string): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationError(field, `${field} must be an object`);
  const p = raw as Record<string, unknown>;
  const known = ['subject', 'body', ...Object.keys(rules).filter((k) => rules[k as keyof ParamRules])];
  const unknown = Object.keys(p).find((k) => !known.includes(k));
  if (unknown) throw new ValidationError(`${field}.${unknown}`, `${field}.${unknown} is not a param of a ${kind} action (${known.join(', ')})`);
  const out: HelpdeskParams = {};
  const at = (k: string) => `${field}.${k}`;
  if (p.subject !== undefined) out.subject = line(p.subject, at('subject'), MAX_SUBJECT);
  if (p.body !== undefined) {
    if (typeof p.body !== 'string' || !p.body.trim() || p.body.length > MAX_BODY) throw new ValidationError(at('body'), `${at('body')} must be text of 1 to ${MAX_BODY} characters`);
    out.body = p.body;
  }
  if (p.priority !== undefined) out.priority = rules.priority === 'id' ? id(p.priority, at('priority')) : choice(p.priority, at('priority'), rules.priority!);
  if (p.type !== undefined) out.type = rules.type === 'text' ? line(p.type, at('type'), 100) : choice(p.type, at('type'), rules.type!);
  if (p.group !== undefined) out.group = id(p.group, at('group'));
  if (p.topicId !== undefined) out.topicId = id(p.topicId, at('topicId'));
  if (p.closeStatus !== undefined) out.closeStatus = choice(p.closeStatus, at('closeStatus'), rules.closeStatus!);
  if (p.replyAs !== undefined) out.replyAs = choice(p.replyAs, at('replyAs'), ['note', 'reply']) as 'note' | 'reply';
  if (p.tags !== undefined) {
    if (!Array.isArray(p.tags) || p.tags.length > MAX_TAGS) throw new ValidationError(at('tags'), `${at('tags')} must be a list of at most ${MAX_TAGS} tags`);
    // Tags are single words in every helpdesk; a template may fill one ({{customer.externalRef}}).
    out.tags = p.tags.map((t, i) => {
      if (typeof t !== 'string' || !/^[^\s,]{1,32}$/.test(t.replace(/\{\{[^}]*\}\}/g, 'x'))) throw new ValidationError(`${at('tags')}[${i}]`, `${at('tags')}[${i}] must be one word of 1 to 32 characters (no spaces or commas)`);
      return t;
    });
  }
  return out as Record<string, unknown>;
}

function line(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string' || !v.trim() || v.length > max || /[\r\n]/.test(v)) throw new ValidationError(field, `${field} must be a single line of 1 to ${max} characters`);
  return v;
}

// Enumerated values are literal (not templates): checked now, so a firing cannot fail on a typo.
function choice(v: unknown, field: string, values: readonly string[]): string {
  if (typeof v !== 'string' || !values.includes(v)) throw new ValidationError(field, `${field} must be one of ${values.join(', ')}`);
  return v;
}

function id(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > Number.MAX_SAFE_INTEGER) throw new ValidationError(field, `${field} must be a positive whole number (an id in the helpdesk)`);
  return v;
}

// The params as the adapter reads them from message.event.data.params (already checked when the rule was saved;
// read defensively, as a rule saved before a kind's params existed may hold anything).
export function readParams(v: unknown): HelpdeskParams {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  const p = v as Record<string, unknown>;
  const s = (x: unknown) => (typeof x === 'string' && x.trim() ? x : undefined);
  const n = (x: unknown) => (typeof x === 'number' && Number.isInteger(x) ? x : undefined);
  return {
    subject: s(p.subject), body: s(p.body), priority: s(p.priority) ?? n(p.priority), type: s(p.type), group: n(p.group),
    tags: Array.isArray(p.tags) ? p.tags.filter((t): t is string => typeof t === 'string' && /^[^\s,]{1,32}$/.test(t)) : undefined,
    closeStatus: s(p.closeStatus), replyAs: p.replyAs === 'reply' ? 'reply' : p.replyAs === 'note' ? 'note' : undefined, topicId: n(p.topicId),
  };
}
