import type { DestinationTarget } from '../destination';
import { secret } from '../channels/channel-destination';
import { base, HelpdeskDestination, Opened } from './helpdesk-destination';
import { clip, HelpdeskCall, HelpdeskFailure } from './helpdesk-http';
import type { TicketContent } from './ticket-content';

const CREATE_ONLY = "nothing: osTicket's API can only create tickets (no replies, notes or status changes), so this message of the incident is recorded, not sent";

// osTicket (integrations.md §6): POST {url}/api/tickets.json with X-API-Key (a key bound to our source IP; 401 when
// either is wrong), email, name, subject and message required (the message as an RFC 2397 data URL, text/plain); 201
// with the ticket number as plain text. The API can only create: later messages and the recovery of the incident are
// not sent (the delivery records them as skipped, with why), and an interrupted create cannot be looked up, so it is
// not repeated on its own (the operator checks osTicket and may replay it).
export class OsTicketDestination extends HelpdeskDestination {
  readonly kind = 'osticket';

  protected async create(t: DestinationTarget, c: TicketContent): Promise<Opened> {
    if (!c.requester.email) throw new HelpdeskFailure({ ok: false, kind: 'config', reason: "the customer has no e-mail address and config.requesterEmail is not set: osTicket needs one" }, { op: 'create' }, {}, true);
    const body = {
      alert: true, autorespond: false, source: 'API', name: c.requester.name, email: c.requester.email, subject: c.subject,
      message: `data:text/plain;charset=utf-8,${encodeURIComponent(c.body)}`,
      ...(typeof c.params.priority === 'number' ? { priorityId: c.params.priority } : {}), ...(c.params.topicId ? { topicId: c.params.topicId } : {}),
    };
    const call = this.request(t, body, { op: 'create', subject: c.subject });
    const res = await this.call(t, call, (b) => clip(b, 200));
    const number = res.body.trim();
    if (!/^[A-Za-z0-9-]{1,32}$/.test(number)) throw new HelpdeskFailure({ ok: false, kind: 'transient', reason: `HTTP ${res.status} without a ticket number: ${clip(res.body, 120)}` }, call.summary, { status: res.status });
    return { externalId: number };
  }

  protected async lookup(): Promise<'unsearchable'> {
    return 'unsearchable';
  }

  protected async comment(): Promise<Record<string, unknown>> {
    return { did: CREATE_ONLY };
  }

  // Nothing is sent, yet the incident is marked closed here: a later replay of the recovery changes nothing either.
  protected async close(): Promise<Record<string, unknown>> {
    return { did: CREATE_ONLY };
  }

  // No read API to try the key on: an empty ticket is sent, which osTicket refuses after the key check (400, nothing
  // created) and refuses as 401 when the key or our IP is wrong. (That the key is checked first: UNCONFIRMED beyond
  // osTicket's source, api.tickets.php requireApiKey() before validation.)
  protected async check(t: DestinationTarget): Promise<Record<string, unknown>> {
    try {
      await this.call(t, this.request(t, {}, { op: 'check' }), (b) => clip(b, 200));
      return { keyAccepted: true };
    } catch (err) {
      if (err instanceof HelpdeskFailure && err.verdict.kind === 'payload') return { keyAccepted: true, answer: err.verdict.reason };
      throw err;
    }
  }

  private request(t: DestinationTarget, body: object, summary: Record<string, unknown>): HelpdeskCall {
    return {
      method: 'POST', url: `${base(t.config.url)}/api/tickets.json`,
      headers: { 'x-api-key': secret(t, 'apiKey'), 'content-type': 'application/json', accept: 'text/plain, application/json' },
      body: JSON.stringify(body), summary: { method: 'POST', path: '/api/tickets.json', ...summary },
    };
  }
}
