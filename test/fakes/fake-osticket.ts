import { HelpdeskHandler, isEmail, isJsonRequest } from './fake-helpdesk-server';

export interface OsTicket {
  number: string;
  email: string;
  name: string;
  subject: string;
  message: string;
  priorityId: number | null;
  topicId: number | null;
}

const FIELDS = ['email', 'name', 'subject', 'message', 'alert', 'autorespond', 'ip', 'phone', 'priorityId', 'source', 'topicId', 'attachments'];

// osTicket's API (integrations.md §6): POST /api/tickets.json with X-API-Key (unknown key or source IP: 401), JSON;
// email, name, subject, message required; an unknown field refused; 201 with the ticket number as plain text. Errors
// are plain text. It can only create: nothing else is served.
export function osTicketFake(apiKey: string): HelpdeskHandler & { tickets: OsTicket[] } {
  const tickets: OsTicket[] = [];
  const handler = ((r) => {
    if (r.method !== 'POST' || r.path !== '/api/tickets') return { status: 404, body: 'Unknown API request' };
    if (r.headers['x-api-key'] !== apiKey) return { status: 401, body: 'API key not authorized' };
    if (!isJsonRequest(r) || !r.json || typeof r.json !== 'object') return { status: 400, body: 'Invalid JSON' };
    const j = r.json;
    const unknown = Object.keys(j).find((k) => !FIELDS.includes(k));
    if (unknown) return { status: 400, body: `${unknown}: Unexpected data received in API request` };
    for (const f of ['email', 'name', 'subject', 'message']) if (typeof j[f] !== 'string' || !j[f].trim()) return { status: 400, body: `Required field missing: ${f}` };
    if (!isEmail(j.email)) return { status: 400, body: 'email: Valid email address required' };
    if (j.priorityId !== undefined && !Number.isInteger(j.priorityId)) return { status: 400, body: 'priorityId: Expected type integer' };
    const t: OsTicket = { number: String(100000 + tickets.length * 7 + 3), email: j.email, name: j.name, subject: j.subject, message: j.message, priorityId: j.priorityId ?? null, topicId: j.topicId ?? null };
    tickets.push(t);
    return { status: 201, body: t.number };
  }) as HelpdeskHandler & { tickets: OsTicket[] };
  handler.tickets = tickets;
  return handler;
}
