import type { DestinationTarget } from '../destination';
import { secret } from '../channels/channel-destination';
import { base, HelpdeskDestination, Opened } from './helpdesk-destination';
import { basic, clip, HelpdeskCall, HelpdeskFailure, parseJson, unexpected } from './helpdesk-http';
import type { TicketContent } from './ticket-content';

const PRIORITY = { critical: 'urgent', high: 'high', medium: 'normal', low: 'low', info: 'low' } as const;

// Zendesk Support (integrations.md §3). Create: POST /api/v2/tickets with Idempotency-Key = the incident's key on
// this destination (a retry of a lost answer gets the first answer back, for 2 hours) and external_id = the same key,
// which GET /api/v2/tickets?external_id= finds after that (the lookup of an interrupted create). Later messages:
// PUT /api/v2/tickets/{id} with a comment (internal unless replyAs: reply); the recovery's comment sets the status
// (closeStatus, default solved) in the same request. Errors: {error, description, details}.
export class ZendeskDestination extends HelpdeskDestination {
  readonly kind = 'zendesk';

  protected async create(t: DestinationTarget, c: TicketContent): Promise<Opened> {
    const p = c.params;
    const ticket = {
      subject: c.subject,
      comment: { body: c.body, public: p.replyAs === 'reply' },
      ...(c.requester.email ? { requester: { name: c.requester.name, email: c.requester.email } } : {}),
      priority: p.priority ?? PRIORITY[c.severity],
      ...(p.type ? { type: p.type } : {}),
      ...(p.group ? { group_id: p.group } : {}),
      tags: c.tags,
      external_id: c.externalKey,
    };
    const call = this.request(t, 'POST', '/api/v2/tickets.json', { ticket }, { op: 'create', subject: c.subject, externalId: c.externalKey });
    call.headers['idempotency-key'] = c.externalKey;
    try {
      const res = await this.call(t, call, reason);
      const id = parseJson(res.body)?.ticket?.id;
      if (id === undefined || id === null) throw new HelpdeskFailure({ ok: false, kind: 'transient', reason: `HTTP ${res.status} without a ticket id` }, call.summary, { status: res.status });
      return { externalId: String(id), data: res.headers['x-idempotency-lookup'] === 'hit' ? { idempotentReplay: true } : {} };
    } catch (err) {
      // The key was used with another body (the message changed since: a template edited between attempts): the
      // first create went through, so find its ticket.
      if (err instanceof HelpdeskFailure && /IdempotentRequestError/.test(String(err.response.body ?? ''))) {
        const found = await this.lookup(t, c);
        if (found) return found;
      }
      throw err;
    }
  }

  protected async lookup(t: DestinationTarget, c: TicketContent): Promise<Opened | null> {
    const call = this.request(t, 'GET', `/api/v2/tickets.json?external_id=${encodeURIComponent(c.externalKey)}`, null, { op: 'lookup', externalId: c.externalKey });
    const res = await this.call(t, call, reason);
    const list = parseJson(res.body)?.tickets;
    if (!Array.isArray(list)) throw unexpected('the ticket list', res.status, res.body, call.summary);
    return list[0]?.id ? { externalId: String(list[0].id), data: { adoptedBy: 'external_id' } } : null;
  }

  protected async comment(t: DestinationTarget, ticket: string, c: TicketContent): Promise<Record<string, unknown>> {
    await this.call(t, this.request(t, 'PUT', `/api/v2/tickets/${ticket}.json`, { ticket: { comment: { body: c.body, public: c.params.replyAs === 'reply' } } }, { op: 'comment', ticket }), reason);
    return { public: c.params.replyAs === 'reply' };
  }

  protected async close(t: DestinationTarget, ticket: string, c: TicketContent): Promise<Record<string, unknown>> {
    const status = c.params.closeStatus ?? 'solved';
    await this.call(t, this.request(t, 'PUT', `/api/v2/tickets/${ticket}.json`, { ticket: { comment: { body: c.body, public: c.params.replyAs === 'reply' }, status } }, { op: 'close', ticket, status }), reason);
    return { status };
  }

  protected async check(t: DestinationTarget): Promise<Record<string, unknown>> {
    const res = await this.call(t, this.request(t, 'GET', '/api/v2/users/me.json', null, { op: 'check' }), reason);
    return { status: res.status, user: parseJson(res.body)?.user?.email ?? null };
  }

  private request(t: DestinationTarget, method: string, path: string, body: object | null, summary: Record<string, unknown>): HelpdeskCall {
    return {
      method, url: `${base(t.config.url)}${path}`,
      headers: { authorization: basic(`${t.config.email}/token`, secret(t, 'apiToken')), accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined, summary: { method, path: path.split('?')[0], ...summary },
    };
  }
}

// Zendesk's message: "RecordInvalid: Record validation errors (description: Description: cannot be blank)".
function reason(body: string): string {
  const b = parseJson(body);
  if (!b || typeof b !== 'object') return clip(body, 200);
  const details = b.details && typeof b.details === 'object'
    ? Object.entries(b.details as Record<string, { description?: string }[]>).map(([f, list]) => `${f}: ${(Array.isArray(list) ? list : []).map((x) => x?.description).filter(Boolean).join('; ')}`).join(', ')
    : '';
  const error = typeof b.error === 'string' ? b.error : typeof b.error?.title === 'string' ? b.error.title : '';
  const head = [error, typeof b.description === 'string' ? b.description : ''].filter(Boolean).join(': ');
  return clip(details ? `${head} (${details})` : head);
}
