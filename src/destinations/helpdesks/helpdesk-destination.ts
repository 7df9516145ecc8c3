import { HttpClient, HttpResponse, OutboundHttpError } from '../../http/http-client';
import { failure, FailureKind } from '../channels/channel-destination';
import { Destination, DestinationError, DestinationResult, DestinationTarget, OutboundDelivery } from '../destination';
import { ticketPerIncident, TicketSystem } from '../incident-ticket';
import { MessageIncident, messageIncidents } from '../message-incident';
import type { DestinationThreads } from '../threads/destination-threads';
import { HelpdeskCall, HelpdeskFailure, judgeHelpdesk } from './helpdesk-http';
import { readParams } from './helpdesk-params';
import { TicketContent, ticketContent } from './ticket-content';

const TEST = 'notification.test';
const DEFAULT_TIMEOUT_SECONDS = 15;
const KEEP_CHARS = 2_000;

export interface Opened {
  externalId: string;
  data?: Record<string, unknown>; // kept beside the id (a display number, a URL)
}

// A helpdesk: one ticket per incident and destination, through the flow every ticket system shares
// (incident-ticket.ts): the first message creates the ticket (its id kept in the thread store), later ones add a note
// or reply, the recovery adds its note and sets the closing status; a create whose answer was lost is looked up on
// the helpdesk (by the incident's tag, or external_id) and adopted, never made twice; a helpdesk that cannot be
// searched refuses to create twice. Subclasses speak their API.
export abstract class HelpdeskDestination extends Destination {
  constructor(
    protected readonly http: HttpClient,
    protected readonly threads: DestinationThreads,
  ) {
    super();
  }

  protected abstract create(t: DestinationTarget, c: TicketContent): Promise<Opened>;
  // The ticket an earlier, unanswered create may have made; 'unsearchable' when the API has no way to tell.
  protected abstract lookup(t: DestinationTarget, c: TicketContent): Promise<Opened | null | 'unsearchable'>;
  // What the attempt log shows of each (did: overrides what the flow says was done, when nothing was).
  protected abstract comment(t: DestinationTarget, ticket: string, c: TicketContent): Promise<Record<string, unknown>>;
  protected abstract close(t: DestinationTarget, ticket: string, c: TicketContent): Promise<Record<string, unknown>>;
  // The operator's test: a harmless call that proves the URL and credentials.
  protected abstract check(t: DestinationTarget): Promise<Record<string, unknown>>;

  async send(d: OutboundDelivery): Promise<DestinationResult> {
    const t = d.target;
    if (!t) throw new DestinationError('the destination of this delivery was deleted', true);
    const event = d.message.event;
    const request: Record<string, unknown> = { kind: this.kind, type: event?.type ?? null };
    const done: Record<string, unknown>[] = [];
    try {
      if (event?.type === TEST) return { request: { ...request, check: true }, response: await this.check(t) };
      const incidents = event ? messageIncidents(d.message) : [];
      if (!event || !incidents.length) throw new DestinationError(`a ${this.kind} destination takes rule actions (a ticket per incident), not ${event?.type ?? 'this message'}`, true, request);
      request.incidents = incidents.map((i) => i.key);
      for (const inc of incidents) {
        // The params as rendered for this firing (a bundle held by quiet hours carries them per firing).
        const c = ticketContent({ destinationId: t.id, deliveryId: d.id, threadKey: inc.key, event, data: inc.data, params: readParams(inc.data.params), fallbackEmail: str(t.config.requesterEmail) });
        done.push({ incident: inc.key, ...(await ticketPerIncident(this.threads, t.id, d.id, inc, this.system(d, t, inc, c))) });
      }
      return { request, response: done.length === 1 ? done[0] : { results: done } };
    } catch (err) {
      if (err instanceof HelpdeskFailure) throw failure(err.verdict, { ...request, ...err.call }, { ...err.response, ...(done.length ? { done } : {}) });
      throw err;
    }
  }

  private system(d: OutboundDelivery, t: DestinationTarget, inc: MessageIncident, c: TicketContent): TicketSystem {
    return {
      create: async () => {
        const o = await this.create(t, c);
        return { id: o.externalId, data: o.data, response: o.data ?? {} };
      },
      findByMarker: async () => {
        const found = await this.lookup(t, c);
        if (found !== 'unsearchable') return found ? { id: found.externalId, data: found.data } : null;
        // A recovery never creates; a replay (a new round) is the operator's word that there is no ticket.
        if (inc.closes || d.round > 0) return null;
        throw new DestinationError(
          `an earlier attempt to open this incident's ticket got no answer, so ${this.kind} may have it already, and its API cannot look tickets up: ` +
            `no second ticket is opened. Check ${this.kind} for "${c.subject}"; replay this delivery to open one anyway.`,
          true, { kind: this.kind, op: 'create', incident: inc.key },
        );
      },
      reply: (ticket) => this.comment(t, ticket.id, c),
      close: (ticket) => this.close(t, ticket.id, c),
      // A refusal that proves nothing was made (any 4xx, a refused address): the next attempt creates without a lookup.
      notTaken: (err) => (err instanceof HelpdeskFailure && err.notTaken) || (err instanceof DestinationError && err.permanent),
    };
  }

  // One request through the one HttpClient, judged: the answer when it is a 2xx, else a HelpdeskFailure.
  protected async call(t: DestinationTarget, call: HelpdeskCall, reason: (body: string) => string, rateLimitHeader = 'retry-after'): Promise<HttpResponse> {
    let res: HttpResponse;
    try {
      res = await this.http.request({
        method: call.method, url: call.url, headers: call.headers, body: call.body,
        timeoutMs: Number(t.config.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000, maxResponseBytes: 1024 * 1024, truncateResponse: true,
      });
    } catch (err) {
      if (!(err instanceof OutboundHttpError)) throw err;
      const config = err.code === 'invalid_url' || err.code === 'blocked_destination' || err.code === 'redirect_not_followed';
      const kind: FailureKind = config ? 'config' : 'transient';
      // Refused before a byte was sent (the SSRF guard, a bad URL): certainly not taken. A timeout or a broken
      // connection may have been taken.
      throw new HelpdeskFailure({ ok: false, kind, reason: err.message }, call.summary, { failure: err.code, status: err.status }, config);
    }
    const verdict = judgeHelpdesk(res, reason(res.body), rateLimitHeader);
    if (verdict.ok) return res;
    const response = { status: res.status, body: res.body.slice(0, KEEP_CHARS) };
    throw new HelpdeskFailure(verdict, call.summary, response, res.status < 500 && res.status !== 408);
  }
}

export const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);
export const base = (url: unknown): string => String(url).replace(/\/+$/, '');
