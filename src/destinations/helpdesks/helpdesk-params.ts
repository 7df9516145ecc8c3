import { choice, fail, id, Params, str } from '../action-params-check';

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
  if (typeof raw !== 'object' || Array.isArray(raw)) return fail(field, 'must be an object');
  const p = raw as Params;
  const known = ['subject', 'body', ...Object.keys(rules).filter((k) => rules[k as keyof ParamRules])];
  const unknown = Object.keys(p).find((k) => !known.includes(k));
  if (unknown) fail(`${field}.${unknown}`, `is not a param of a ${kind} action (${known.join(', ')})`);
  const out: HelpdeskParams = {};
  const subject = str(p, 'subject', field, { max: MAX_SUBJECT });
  if (subject !== undefined && (!subject.trim() || /[\r\n]/.test(subject))) fail(`${field}.subject`, 'must be a single line');
  out.subject = subject;
  out.body = str(p, 'body', field, { max: MAX_BODY });
  if (rules.priority) out.priority = rules.priority === 'id' ? num(id(p, 'priority', field, false)) : choice(p, 'priority', field, rules.priority);
  if (rules.type) out.type = rules.type === 'text' ? str(p, 'type', field, { max: 100 }) : choice(p, 'type', field, rules.type);
  if (rules.group) out.group = num(id(p, 'group', field, false));
  if (rules.topicId) out.topicId = num(id(p, 'topicId', field, false));
  if (rules.closeStatus) out.closeStatus = choice(p, 'closeStatus', field, rules.closeStatus);
  if (rules.replyAs) out.replyAs = choice(p, 'replyAs', field, ['note', 'reply'] as const);
  if (p.tags !== undefined) {
    if (!Array.isArray(p.tags) || p.tags.length > MAX_TAGS) fail(`${field}.tags`, `must be a list of at most ${MAX_TAGS} tags`);
    // Tags are single words in every helpdesk; a template may fill one ({{customer.externalRef}}).
    out.tags = (p.tags as unknown[]).map((t, i) => {
      if (typeof t !== 'string' || !/^[^\s,]{1,32}$/.test(t.replace(/\{\{[^}]*\}\}/g, 'x'))) fail(`${field}.tags[${i}]`, 'must be one word of 1 to 32 characters (no spaces or commas)');
      return t as string;
    });
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

// The helpdesks' JSON APIs take ids as numbers.
const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));

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
