import { createHash } from 'node:crypto';
import type { HttpResponse } from '../../http/http-client';
import type { DestinationTarget } from '../destination';
import { secret } from '../channels/channel-destination';
import { base, HelpdeskDestination, Opened } from './helpdesk-destination';
import { clip, HelpdeskCall, HelpdeskFailure, parseJson, unexpected } from './helpdesk-http';
import { HELPSCOUT_API } from './helpscout.kind';
import { asHtml, TicketContent } from './ticket-content';

// A token is dropped this long before Help Scout says it expires (48 h), so none is used at its very end.
const EXPIRY_MARGIN_MS = 5 * 60_000;
const RATE_LIMIT_HEADER = 'x-ratelimit-retry-after';

// Help Scout Mailbox API 2.0 (integrations.md §5). A bearer token from POST /v2/oauth2/token (client credentials),
// cached in memory per replica and destination credentials until shortly before it expires, fetched again on a 401
// (a revoked token), once. Create: POST /v2/conversations (an email conversation in the mailbox, the customer by
// e-mail, a first note, or a reply with replyAs: reply, the incident's tag), 201 with no body and the id in
// Resource-ID. No idempotency: an interrupted create is looked up by that tag (GET /v2/conversations?mailbox=&tag=
// &status=all). Later messages: POST /conversations/{id}/notes or /reply; the recovery sets the status (closeStatus,
// default closed) with PATCH, then adds its note. 429 waits X-RateLimit-Retry-After.
export class HelpScoutDestination extends HelpdeskDestination {
  readonly kind = 'helpscout';
  private readonly tokens = new Map<string, { token: string; until: number }>();

  protected async create(t: DestinationTarget, c: TicketContent): Promise<Opened> {
    if (!c.requester.email) throw new HelpdeskFailure({ ok: false, kind: 'config', reason: "the customer has no e-mail address and config.requesterEmail is not set: Help Scout needs a customer" }, { op: 'create' }, {}, true);
    const customer = { email: c.requester.email, firstName: c.requester.name.slice(0, 40) };
    const reply = c.params.replyAs === 'reply';
    const body = {
      subject: c.subject, customer, mailboxId: t.config.mailboxId, type: 'email', status: 'active', autoReply: false,
      threads: [reply ? { type: 'reply', text: asHtml(c.body), customer: { email: c.requester.email } } : { type: 'note', text: asHtml(c.body) }],
      tags: c.tags,
    };
    const res = await this.api(t, 'POST', '/v2/conversations', body, { op: 'create', subject: c.subject, tag: c.incidentTag });
    const id = res.headers['resource-id'] ?? /\/conversations\/(\d+)/.exec(res.headers.location ?? '')?.[1];
    if (!id) throw new HelpdeskFailure({ ok: false, kind: 'transient', reason: `HTTP ${res.status} without Resource-ID` }, { op: 'create' }, { status: res.status });
    return { externalId: String(id) };
  }

  protected async lookup(t: DestinationTarget, c: TicketContent): Promise<Opened | null> {
    const q = `mailbox=${encodeURIComponent(String(t.config.mailboxId))}&tag=${encodeURIComponent(c.incidentTag)}&status=all`;
    const res = await this.api(t, 'GET', `/v2/conversations?${q}`, null, { op: 'lookup', tag: c.incidentTag });
    const b = parseJson(res.body);
    // An empty page may come without _embedded (UNCONFIRMED): a page object says it is the list all the same.
    const list = b?._embedded?.conversations ?? (b?.page && typeof b.page === 'object' ? [] : null);
    if (!Array.isArray(list)) throw unexpected('the conversation list', res.status, res.body, { op: 'lookup', tag: c.incidentTag });
    return list[0]?.id ? { externalId: String(list[0].id), data: { adoptedBy: 'tag' } } : null;
  }

  protected async comment(t: DestinationTarget, ticket: string, c: TicketContent): Promise<Record<string, unknown>> {
    const reply = c.params.replyAs === 'reply' && !!c.requester.email;
    const body = reply ? { text: asHtml(c.body), customer: { email: c.requester.email } } : { text: asHtml(c.body) };
    await this.api(t, 'POST', `/v2/conversations/${ticket}/${reply ? 'reply' : 'notes'}`, body, { op: reply ? 'reply' : 'note', ticket });
    return { as: reply ? 'reply' : 'note' };
  }

  protected async close(t: DestinationTarget, ticket: string, c: TicketContent): Promise<Record<string, unknown>> {
    const status = c.params.closeStatus ?? 'closed';
    await this.api(t, 'PATCH', `/v2/conversations/${ticket}`, { op: 'replace', path: '/status', value: status }, { op: 'status', ticket, status });
    await this.comment(t, ticket, c);
    return { status };
  }

  protected async check(t: DestinationTarget): Promise<Record<string, unknown>> {
    const res = await this.api(t, 'GET', `/v2/mailboxes/${t.config.mailboxId}`, null, { op: 'check' });
    return { status: res.status, mailbox: parseJson(res.body)?.name ?? null };
  }

  // A call with the cached token; a 401 drops it and tries once more with a new one (a refused new one is the
  // credentials' fault).
  private async api(t: DestinationTarget, method: string, path: string, body: object | null, summary: Record<string, unknown>): Promise<HttpResponse> {
    for (let tries = 0; ; tries++) {
      const token = await this.token(t);
      const call: HelpdeskCall = {
        method, url: `${apiBase(t)}${path}`,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json; charset=UTF-8' } : {}) },
        body: body ? JSON.stringify(body) : undefined, summary: { method, path: path.split('?')[0], ...summary },
      };
      try {
        return await this.call(t, call, reason, RATE_LIMIT_HEADER);
      } catch (err) {
        if (tries > 0 || !(err instanceof HelpdeskFailure) || err.response.status !== 401) throw err;
        this.tokens.delete(cacheKey(t));
      }
    }
  }

  private async token(t: DestinationTarget): Promise<string> {
    const key = cacheKey(t);
    const cached = this.tokens.get(key);
    if (cached && cached.until > Date.now()) return cached.token;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: String(t.config.appId), client_secret: secret(t, 'appSecret') }).toString();
    const call: HelpdeskCall = {
      method: 'POST', url: `${apiBase(t)}/v2/oauth2/token`, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form, summary: { method: 'POST', path: '/v2/oauth2/token', op: 'token' },
    };
    const res = await this.call(t, call, reason);
    const b = parseJson(res.body);
    if (typeof b?.access_token !== 'string') throw new HelpdeskFailure({ ok: false, kind: 'transient', reason: `HTTP ${res.status} without an access token` }, call.summary, { status: res.status });
    const seconds = Number(b.expires_in) > 0 ? Number(b.expires_in) : 3600;
    this.tokens.set(key, { token: b.access_token, until: Date.now() + seconds * 1000 - EXPIRY_MARGIN_MS });
    return b.access_token;
  }
}

const apiBase = (t: DestinationTarget) => base(t.config.apiUrl ?? HELPSCOUT_API);

// Per destination and credentials: a rotated secret gets its own token at once.
function cacheKey(t: DestinationTarget): string {
  return `${t.id}:${createHash('sha256').update(`${t.config.appId}\0${t.secrets.appSecret ?? ''}\0${apiBase(t)}`).digest('hex')}`;
}

// Help Scout's message: "Bad request (subject: may not be empty)"; the token endpoint's error_description.
function reason(body: string): string {
  const b = parseJson(body);
  if (!b || typeof b !== 'object') return clip(body, 200);
  const errors = Array.isArray(b._embedded?.errors) ? b._embedded.errors.map((e: { path?: string; message?: string }) => `${e.path ? `${e.path}: ` : ''}${e.message ?? ''}`).join('; ') : '';
  return clip([b.message ?? b.error_description ?? b.error ?? '', errors ? `(${errors})` : ''].filter(Boolean).join(' '));
}
