import type { DestinationTarget } from '../destination';
import { secret } from '../channels/channel-destination';
import { base, HelpdeskDestination, Opened } from './helpdesk-destination';
import { basic, clip, HelpdeskCall, HelpdeskFailure, parseJson, unexpected } from './helpdesk-http';
import { asHtml, TicketContent } from './ticket-content';

const PRIORITY: Record<string, number> = { low: 1, medium: 2, high: 3, urgent: 4 };
const BY_SEVERITY = { critical: 4, high: 3, medium: 2, low: 1, info: 1 } as const;
const STATUS: Record<string, number> = { open: 2, pending: 3, resolved: 4, closed: 5 };
const OPEN = 2;
const SOURCE_PORTAL = 2;

// Freshdesk API v2 (integrations.md §4). Create: POST /api/v2/tickets (email + name as the requester, status and
// priority sent explicitly, the incident's tag among the tags). No idempotency: an interrupted create is looked up
// with the search API by that tag (GET /api/v2/search/tickets?query="tag:'…'"; the search index may lag the create
// by a little: UNCONFIRMED how much). Later messages: POST /tickets/{id}/notes (private) or /reply; the recovery sets
// the status (closeStatus, default resolved) with PUT /tickets/{id} and then adds its note, so that a retry after a
// half-done recovery repeats a harmless status change first. 429 with Retry-After.
export class FreshdeskDestination extends HelpdeskDestination {
  readonly kind = 'freshdesk';

  protected async create(t: DestinationTarget, c: TicketContent): Promise<Opened> {
    const p = c.params;
    if (!c.requester.email) throw new HelpdeskFailure({ ok: false, kind: 'config', reason: "the customer has no e-mail address and config.requesterEmail is not set: Freshdesk needs a requester" }, { op: 'create' }, {}, true);
    const body = {
      email: c.requester.email, name: c.requester.name, subject: c.subject, description: asHtml(c.body), status: OPEN,
      priority: typeof p.priority === 'string' ? PRIORITY[p.priority] ?? 2 : BY_SEVERITY[c.severity], source: SOURCE_PORTAL,
      ...(p.type ? { type: p.type } : {}), ...(p.group ? { group_id: p.group } : {}), tags: c.tags,
    };
    const call = this.request(t, 'POST', '/api/v2/tickets', body, { op: 'create', subject: c.subject, tag: c.incidentTag });
    const res = await this.call(t, call, reason);
    const id = parseJson(res.body)?.id;
    if (id === undefined || id === null) throw new HelpdeskFailure({ ok: false, kind: 'transient', reason: `HTTP ${res.status} without a ticket id` }, call.summary, { status: res.status });
    return { externalId: String(id) };
  }

  protected async lookup(t: DestinationTarget, c: TicketContent): Promise<Opened | null> {
    const query = encodeURIComponent(`"tag:'${c.incidentTag}'"`);
    const call = this.request(t, 'GET', `/api/v2/search/tickets?query=${query}`, null, { op: 'lookup', tag: c.incidentTag });
    const res = await this.call(t, call, reason);
    const list = parseJson(res.body)?.results;
    if (!Array.isArray(list)) throw unexpected('the ticket search', res.status, res.body, call.summary);
    return list[0]?.id ? { externalId: String(list[0].id), data: { adoptedBy: 'tag' } } : null;
  }

  protected async comment(t: DestinationTarget, ticket: string, c: TicketContent): Promise<Record<string, unknown>> {
    const reply = c.params.replyAs === 'reply';
    const body = reply ? { body: asHtml(c.body) } : { body: asHtml(c.body), private: true };
    await this.call(t, this.request(t, 'POST', `/api/v2/tickets/${ticket}/${reply ? 'reply' : 'notes'}`, body, { op: reply ? 'reply' : 'note', ticket }), reason);
    return { as: reply ? 'reply' : 'note' };
  }

  protected async close(t: DestinationTarget, ticket: string, c: TicketContent): Promise<Record<string, unknown>> {
    const status = c.params.closeStatus ?? 'resolved';
    await this.call(t, this.request(t, 'PUT', `/api/v2/tickets/${ticket}`, { status: STATUS[status] ?? STATUS.resolved }, { op: 'status', ticket, status }), reason);
    await this.comment(t, ticket, c);
    return { status };
  }

  protected async check(t: DestinationTarget): Promise<Record<string, unknown>> {
    const res = await this.call(t, this.request(t, 'GET', '/api/v2/agents/me', null, { op: 'check' }), reason);
    return { status: res.status, agent: parseJson(res.body)?.contact?.email ?? null };
  }

  private request(t: DestinationTarget, method: string, path: string, body: object | null, summary: Record<string, unknown>): HelpdeskCall {
    return {
      method, url: `${base(t.config.url)}${path}`,
      headers: { authorization: basic(secret(t, 'apiKey'), 'X'), accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined, summary: { method, path: path.split('?')[0], ...summary },
    };
  }
}

// Freshdesk's message: "Validation failed (email: It should be a valid email address [invalid_value])".
function reason(body: string): string {
  const b = parseJson(body);
  if (!b || typeof b !== 'object') return clip(body, 200);
  const errors = Array.isArray(b.errors) ? b.errors.map((e: { field?: string; message?: string; code?: string }) => `${e.field ? `${e.field}: ` : ''}${e.message ?? ''}${e.code ? ` [${e.code}]` : ''}`).join('; ') : '';
  return clip([b.description ?? b.message ?? b.code ?? '', errors ? `(${errors})` : ''].filter(Boolean).join(' '));
}
