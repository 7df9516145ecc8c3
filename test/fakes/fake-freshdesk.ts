import { basicAuth, HelpdeskHandler, HelpdeskReply, isEmail, isJsonRequest } from './fake-helpdesk-server';

export interface FreshdeskTicket {
  id: number;
  subject: string;
  description: string;
  email: string;
  name: string | null;
  status: number;
  priority: number;
  type: string | null;
  group_id: number | null;
  tags: string[];
  notes: { body: string; private: boolean }[];
  replies: string[];
}

// Freshdesk API v2 (integrations.md §4): Basic "{apikey}:X" (401 {code: invalid_credentials}), JSON; POST
// /api/v2/tickets (201 + Location + the ticket; 400 "Validation failed" with errors[{field, message, code}]: one
// requester identifier, subject, description, status 2–5, priority 1–4 required here as we send them), POST
// /tickets/{id}/notes {body, private}, POST /tickets/{id}/reply {body}, PUT /tickets/{id} {status}, GET
// /api/v2/search/tickets?query="tag:'x'" (the query in double quotes), GET /api/v2/agents/me.
export function freshdeskFake(apiKey: string): HelpdeskHandler & { tickets: Map<number, FreshdeskTicket> } {
  const tickets = new Map<number, FreshdeskTicket>();
  let next = 1;
  const failed = (...errors: { field: string; message: string; code: string }[]): HelpdeskReply => ({ status: 400, body: { description: 'Validation failed', errors } });
  const view = (t: FreshdeskTicket) => ({ id: t.id, subject: t.subject, description: t.description, status: t.status, priority: t.priority, type: t.type, group_id: t.group_id, tags: t.tags, requester_id: 1000 + t.id });
  const handler = ((r) => {
    if (basicAuth(r) !== `${apiKey}:X`) return { status: 401, body: { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' } };
    if (r.method === 'GET' && r.path === '/api/v2/agents/me') return { status: 200, body: { id: 1, contact: { email: 'agent@fake.example' } } };
    if (r.method === 'GET' && r.path === '/api/v2/search/tickets') {
      const m = /^"tag:'([^']+)'"$/.exec(r.url.searchParams.get('query') ?? '');
      if (!m) return failed({ field: 'query', message: 'Given query is invalid', code: 'invalid_value' });
      const found = [...tickets.values()].filter((t) => t.tags.includes(m[1]));
      return { status: 200, body: { results: found.map(view), total: found.length } };
    }
    if (!isJsonRequest(r) || !r.json) return failed({ field: '', message: 'Request body has invalid json format', code: 'invalid_json' });
    const j = r.json;
    if (r.method === 'POST' && r.path === '/api/v2/tickets') {
      const errors: { field: string; message: string; code: string }[] = [];
      if (!j.email && !j.requester_id && !j.phone && !j.unique_external_id) errors.push({ field: 'requester_id', message: 'Please fill at least 1 of requester_id, phone, email, twitter_id, facebook_id, unique_external_id fields', code: 'missing_field' });
      if (j.email !== undefined && !isEmail(j.email)) errors.push({ field: 'email', message: 'It should be a valid email address', code: 'invalid_value' });
      if (typeof j.subject !== 'string' || !j.subject) errors.push({ field: 'subject', message: 'It should be a/an String', code: 'missing_field' });
      if (typeof j.description !== 'string' || !j.description) errors.push({ field: 'description', message: 'It should be a/an String', code: 'missing_field' });
      if (![2, 3, 4, 5].includes(j.status)) errors.push({ field: 'status', message: 'It should be one of these values: 2,3,4,5', code: 'invalid_value' });
      if (![1, 2, 3, 4].includes(j.priority)) errors.push({ field: 'priority', message: 'It should be one of these values: 1,2,3,4', code: 'invalid_value' });
      if (j.tags !== undefined && (!Array.isArray(j.tags) || j.tags.some((x: unknown) => typeof x !== 'string' || x.length > 32))) errors.push({ field: 'tags', message: 'It should be an Array of Strings of at most 32 characters', code: 'invalid_value' });
      if (j.type !== undefined && !['Question', 'Incident', 'Problem', 'Feature Request', 'Refund'].includes(j.type)) errors.push({ field: 'type', message: 'It should be one of these values: Question,Incident,Problem,Feature Request,Refund', code: 'invalid_value' });
      if (errors.length) return failed(...errors);
      const t: FreshdeskTicket = {
        id: next++, subject: j.subject, description: j.description, email: j.email, name: j.name ?? null, status: j.status, priority: j.priority,
        type: j.type ?? null, group_id: j.group_id ?? null, tags: j.tags ?? [], notes: [], replies: [],
      };
      tickets.set(t.id, t);
      return { status: 201, headers: { location: `https://fake.freshdesk.com/api/v2/tickets/${t.id}` }, body: view(t) };
    }
    const m = /^\/api\/v2\/tickets\/(\d+)(\/notes|\/reply)?$/.exec(r.path);
    const t = m ? tickets.get(Number(m[1])) : undefined;
    if (m && !t) return { status: 404, body: { code: 'not_found', message: 'Ticket not found' } };
    if (t && r.method === 'POST' && m![2]) {
      if (typeof j.body !== 'string' || !j.body) return failed({ field: 'body', message: 'It should be a/an String', code: 'missing_field' });
      if (m![2] === '/notes') t.notes.push({ body: j.body, private: j.private !== false });
      else t.replies.push(j.body);
      return { status: 201, body: { id: t.notes.length + t.replies.length, body: j.body, ticket_id: t.id } };
    }
    if (t && r.method === 'PUT' && !m![2]) {
      if (j.status !== undefined && ![2, 3, 4, 5].includes(j.status)) return failed({ field: 'status', message: 'It should be one of these values: 2,3,4,5', code: 'invalid_value' });
      if (j.status) t.status = j.status;
      return { status: 200, body: view(t) };
    }
    return { status: 404, body: { code: 'not_found', message: 'Resource not found' } };
  }) as HelpdeskHandler & { tickets: Map<number, FreshdeskTicket> };
  handler.tickets = tickets;
  return handler;
}
