import { createHash } from 'node:crypto';
import { basicAuth, HelpdeskHandler, HelpdeskReply, isEmail, isJsonRequest } from './fake-helpdesk-server';

export interface ZendeskTicket {
  id: number;
  subject: string;
  status: string;
  priority: string | null;
  type: string | null;
  tags: string[];
  external_id: string | null;
  group_id: number | null;
  requester: { name?: string; email?: string } | null;
  comments: { body: string; public: boolean }[];
}

const STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];

// Zendesk Support tickets (integrations.md §3): Basic "{email}/token:{token}" (401 "Couldn't authenticate you"),
// JSON only; POST /api/v2/tickets (201 {ticket}; 422 RecordInvalid with details: the first comment is required,
// enums checked), PUT /api/v2/tickets/{id} (a comment, a status; a closed ticket refuses updates), GET
// /api/v2/tickets?external_id= (the list filter), GET /api/v2/users/me. Idempotency-Key on create: the same key
// with the same body replays the first answer (x-idempotency-lookup: hit), with another body 400 IdempotentRequestError.
type ZendeskFake = HelpdeskHandler & { tickets: Map<number, ZendeskTicket>; listLags: boolean };

// listLags: the list by external_id does not show new tickets yet (an index behind the write), so only the
// Idempotency-Key stands between a retried create and a second ticket.
export function zendeskFake(email: string, token: string): ZendeskFake {
  const tickets = new Map<number, ZendeskTicket>();
  const keys = new Map<string, { hash: string; reply: HelpdeskReply }>();
  let next = 35436;
  const invalid = (field: string, description: string): HelpdeskReply => ({
    status: 422, body: { error: 'RecordInvalid', description: 'Record validation errors', details: { [field]: [{ description, error: 'InvalidValue' }] } },
  });
  const view = (t: ZendeskTicket) => ({ id: t.id, url: `https://fake.zendesk.com/api/v2/tickets/${t.id}.json`, subject: t.subject, status: t.status, priority: t.priority, type: t.type, tags: t.tags, external_id: t.external_id, group_id: t.group_id, description: t.comments[0]?.body ?? '' });
  const checkFields = (t: Record<string, any>): HelpdeskReply | null => {
    if (t.priority !== undefined && !['urgent', 'high', 'normal', 'low'].includes(t.priority)) return invalid('priority', `Priority: ${t.priority} is not valid`);
    if (t.type !== undefined && !['problem', 'incident', 'question', 'task'].includes(t.type)) return invalid('type', `Type: ${t.type} is not valid`);
    if (t.status !== undefined && !STATUSES.includes(t.status)) return invalid('status', `Status: ${t.status} is not valid`);
    if (t.tags !== undefined && (!Array.isArray(t.tags) || t.tags.some((x: unknown) => typeof x !== 'string' || /\s/.test(x)))) return invalid('tags', 'Tags: must be a list of words');
    if (t.comment !== undefined && (typeof t.comment !== 'object' || (typeof t.comment.body !== 'string' && typeof t.comment.html_body !== 'string') || !(t.comment.body ?? t.comment.html_body))) return invalid('comment', 'Comment: body cannot be blank');
    if (t.comment?.body && t.comment.body.length > 65_535) return invalid('comment', 'Comment: body is too long');
    return null;
  };
  const handler = ((r) => {
    if (basicAuth(r) !== `${email}/token:${token}`) return { status: 401, body: { error: "Couldn't authenticate you" } };
    if (r.method === 'GET' && r.path === '/api/v2/users/me') return { status: 200, body: { user: { id: 1, email, role: 'admin' } } };
    if (r.method === 'GET' && r.path === '/api/v2/tickets') {
      const ext = r.url.searchParams.get('external_id');
      const found = handler.listLags ? [] : [...tickets.values()].filter((t) => ext === null || t.external_id === ext);
      return { status: 200, body: { tickets: found.map(view), count: found.length, next_page: null, previous_page: null } };
    }
    if (!isJsonRequest(r) || !r.json) return { status: 400, body: { error: 'Unprocessable Entity', description: 'The request body is not valid JSON' } };
    if (r.method === 'POST' && r.path === '/api/v2/tickets') {
      const key = r.headers['idempotency-key'] as string | undefined;
      const hash = createHash('sha256').update(r.body).digest('hex');
      if (key) {
        const seen = keys.get(key);
        if (seen && seen.hash !== hash) return { status: 400, body: { error: 'IdempotentRequestError', description: "Request parameters don't match the given idempotency key" } };
        if (seen) return { ...seen.reply, headers: { ...seen.reply.headers, 'x-idempotency-lookup': 'hit' } };
        if (key.length > 255) return { status: 400, body: { error: 'InvalidValue', description: 'Idempotency-Key is too long' } };
      }
      const t = r.json.ticket;
      if (!t || typeof t !== 'object') return invalid('ticket', 'Ticket: is required');
      if (!t.comment) return invalid('description', 'Description: cannot be blank');
      const bad = checkFields(t);
      if (bad) return bad;
      if (t.requester && (!isEmail(t.requester.email) || (t.requester.name !== undefined && typeof t.requester.name !== 'string'))) return invalid('requester', 'Requester: Email is not properly formatted');
      const ticket: ZendeskTicket = {
        id: next++, subject: String(t.subject ?? ''), status: t.status ?? 'new', priority: t.priority ?? null, type: t.type ?? null, tags: t.tags ?? [],
        external_id: t.external_id ?? null, group_id: t.group_id ?? null, requester: t.requester ?? null,
        comments: [{ body: t.comment.body ?? t.comment.html_body, public: t.comment.public !== false }],
      };
      tickets.set(ticket.id, ticket);
      const reply: HelpdeskReply = { status: 201, headers: { location: `https://fake.zendesk.com/api/v2/tickets/${ticket.id}.json`, 'x-idempotency-lookup': 'miss' }, body: { ticket: view(ticket) } };
      if (key) keys.set(key, { hash, reply });
      return reply;
    }
    const m = /^\/api\/v2\/tickets\/(\d+)$/.exec(r.path);
    if (r.method === 'PUT' && m) {
      const ticket = tickets.get(Number(m[1]));
      if (!ticket) return { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };
      const t = r.json.ticket;
      if (!t || typeof t !== 'object') return invalid('ticket', 'Ticket: is required');
      if (ticket.status === 'closed') return invalid('status', 'Status: closed prevents ticket update');
      const bad = checkFields(t);
      if (bad) return bad;
      if (t.comment) ticket.comments.push({ body: t.comment.body ?? t.comment.html_body, public: t.comment.public !== false });
      if (t.status) ticket.status = t.status;
      return { status: 200, body: { ticket: view(ticket) } };
    }
    return { status: 404, body: { error: 'InvalidEndpoint', description: 'Not found' } };
  }) as ZendeskFake;
  handler.tickets = tickets;
  handler.listLags = false;
  return handler;
}
