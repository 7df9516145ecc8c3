import { HttpClient, HttpResponse, OutboundHttpError } from '../../http/http-client';
import { failure, FailureKind } from '../channels/channel-destination';
import { Destination, DestinationError, DestinationResult, DestinationTarget, OutboundDelivery } from '../destination';
import { MessageIncident, messageIncidents } from '../message-incident';
import { DestinationThread, DestinationThreads } from '../threads/destination-threads';
import { HelpdeskCall, HelpdeskFailure, judgeHelpdesk } from './helpdesk-http';
import { readParams } from './helpdesk-params';
import { TicketContent, ticketContent } from './ticket-content';

const TEST = 'notification.test';
const DEFAULT_TIMEOUT_SECONDS = 15;
// Another delivery is creating this incident's ticket right now: ask again after this long.
const CREATING_ELSEWHERE_SECONDS = 30;
const KEEP_CHARS = 2_000;

export interface Opened {
  externalId: string;
  data?: Record<string, unknown>; // kept beside the id (a display number, a URL)
}

// What a step did, for the attempt log.
export type Step = Record<string, unknown> & { op: 'created' | 'adopted' | 'commented' | 'closed' | 'skipped' };

// A helpdesk: one ticket per incident and destination. The first message of an incident creates the ticket (its id
// kept in the thread store), later ones add a note or reply to it, the recovery adds its note and sets the closing
// status. A create whose answer was lost (timeout, 5xx, a dead worker: the claim is found 'interrupted') is looked up
// on the helpdesk before creating again (by the incident's tag, or external_id), and adopted when found; a helpdesk
// that cannot be searched refuses to create twice. Subclasses speak their API; this class decides what to ask.
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
  protected abstract comment(t: DestinationTarget, ticket: string, c: TicketContent): Promise<Step>;
  protected abstract close(t: DestinationTarget, ticket: string, c: TicketContent): Promise<Step>;
  // The operator's test: a harmless call that proves the URL and credentials.
  protected abstract check(t: DestinationTarget): Promise<Record<string, unknown>>;

  async send(d: OutboundDelivery): Promise<DestinationResult> {
    const t = d.target;
    if (!t) throw new DestinationError('the destination of this delivery was deleted', true);
    const event = d.message.event;
    const request: Record<string, unknown> = { kind: this.kind, type: event?.type ?? null };
    try {
      if (event?.type === TEST) return { request: { ...request, check: true }, response: await this.check(t) };
      const incidents = event ? messageIncidents(d.message) : [];
      if (!event || !incidents.length) throw new DestinationError(`a ${this.kind} destination takes rule actions (a ticket per incident), not ${event?.type ?? 'this message'}`, true, request);
      const steps: Step[] = [];
      for (const inc of incidents) {
        // The params as rendered for this firing (a bundle held by quiet hours carries them per firing).
        const params = readParams(inc.data.params);
        const c = ticketContent({ destinationId: t.id, deliveryId: d.id, threadKey: inc.key, event, data: inc.data, params, fallbackEmail: str(t.config.requesterEmail) });
        steps.push(await this.incident(d, t, inc, c));
      }
      const summary = { ...request, incidents: incidents.map((i, n) => ({ key: i.key, closes: i.closes, op: steps[n]?.op })) };
      return { request: summary, response: steps.length === 1 ? steps[0] : { steps } };
    } catch (err) {
      if (err instanceof HelpdeskFailure) throw failure(err.verdict, { ...request, ...err.call }, err.response);
      throw err;
    }
  }

  private async incident(d: OutboundDelivery, t: DestinationTarget, inc: MessageIncident, c: TicketContent): Promise<Step> {
    let thread: DestinationThread | null = await this.threads.find(t.id, inc.key);
    if (!thread || thread.state === 'creating') {
      // A recovery whose opening never made a ticket here (the action was added later, or it failed for good).
      if (inc.closes && !thread) return { op: 'skipped', reason: 'no ticket was opened for this incident on this destination', incident: inc.key };
      const claim = await this.threads.begin(t.id, inc.key, d.id);
      if (!claim.claimed) {
        if (claim.thread.state === 'creating') {
          throw new HelpdeskFailure({ ok: false, kind: 'transient', reason: 'another delivery is creating the ticket of this incident', retryAfterSeconds: CREATING_ELSEWHERE_SECONDS }, { op: 'create', incident: inc.key }, {});
        }
        thread = claim.thread;
      } else {
        const opened = await this.open(d, t, inc, c, claim.interrupted);
        if (!opened) return { op: 'skipped', reason: 'no ticket was opened for this incident on this destination', incident: inc.key };
        await this.threads.opened(t.id, inc.key, opened.step.ticket as string, opened.data);
        if (!inc.closes) return opened.step;
        // A recovery that found (adopted) the ticket an interrupted opening made: closes it now.
        return { ...(await this.closeOnce(t, inc, opened.step.ticket as string, c)), adopted: true };
      }
    }
    const ticket = thread.externalId!;
    // This very send (delivery and round) created it on an earlier attempt that could not record its outcome: done.
    // A replay by the operator is a new round: it adds a note like any later message.
    if (!inc.closes && thread.data.createdBy === d.id && thread.data.createdRound === d.round) return { op: 'created', ticket, already: true };
    if (inc.closes) {
      if (thread.state === 'closed') return { op: 'skipped', reason: 'the ticket of this incident is closed already', ticket };
      return this.closeOnce(t, inc, ticket, c);
    }
    return this.comment(t, ticket, c);
  }

  private async closeOnce(t: DestinationTarget, inc: MessageIncident, ticket: string, c: TicketContent): Promise<Step> {
    const step = await this.close(t, ticket, c);
    await this.threads.closed(t.id, inc.key, { closedAt: new Date().toISOString() });
    return step;
  }

  // The create, after a look for what an interrupted attempt may have made. A refusal that proves nothing was made
  // (any answer but a 5xx or none) drops the claim, so the next attempt creates without a lookup.
  private async open(d: OutboundDelivery, t: DestinationTarget, inc: MessageIncident, c: TicketContent, interrupted: boolean): Promise<{ step: Step; data: Record<string, unknown> } | null> {
    if (interrupted) {
      const found = await this.lookup(t, c);
      if (found === 'unsearchable' && d.round === 0 && !inc.closes) {
        throw new DestinationError(
          `an earlier attempt to open this incident's ticket got no answer, so ${this.kind} may have it already, and its API cannot look tickets up: ` +
            `no second ticket is opened. Check ${this.kind} for "${c.subject}"; replay this delivery to open one anyway.`,
          true, { kind: this.kind, op: 'create', incident: inc.key },
        );
      }
      if (found && found !== 'unsearchable') return { step: { op: 'adopted', ticket: found.externalId, ...found.data }, data: { ...found.data, createdBy: d.id, createdRound: d.round } };
    }
    // A recovery never creates: with nothing found it is skipped, and its own fresh claim dropped (an interrupted
    // opening's claim stays, so that the opening's replay still knows to look).
    if (inc.closes) {
      if (!interrupted) await this.threads.abandon(t.id, inc.key);
      return null;
    }
    try {
      const opened = await this.create(t, c);
      return { step: { op: 'created', ticket: opened.externalId, ...opened.data }, data: { ...opened.data, createdBy: d.id, createdRound: d.round } };
    } catch (err) {
      if (err instanceof HelpdeskFailure && err.notTaken) await this.threads.abandon(t.id, inc.key);
      if (err instanceof DestinationError && err.permanent) await this.threads.abandon(t.id, inc.key);
      throw err;
    }
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
