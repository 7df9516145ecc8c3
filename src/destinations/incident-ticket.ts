import { createHash } from 'node:crypto';
import { DestinationError } from './destination';
import type { MessageIncident } from './message-incident';
import type { DestinationThreads } from './threads/destination-threads';

// One ticket per incident on a system with no idempotency key of its own (WHMCS, Blesta, and any helpdesk alike): the
// first firing opens it, later firings (a rule's updates, a replay) reply, the recovery closes it. An update never opens
// a ticket (the opening does) and never replies to a closed one. The ticket's id is kept in the thread store, and
// a create whose answer was lost (the 'creating' row of an earlier attempt) is looked up by the marker in its subject
// before anything is created again, so that a timeout never becomes a second ticket.

export interface TicketRef {
  id: string;
  data?: Record<string, unknown>; // kept beside the id (a public ticket number)
}

// What a target system does for the flow; each returns what the attempt log shows of the answer.
export interface TicketSystem {
  create(marker: string): Promise<TicketRef & { response: Record<string, unknown> }>;
  findByMarker(marker: string): Promise<TicketRef | null>;
  reply(ticket: TicketRef): Promise<Record<string, unknown>>;
  close(ticket: TicketRef): Promise<Record<string, unknown>>;
  // After adopting a ticket a lost create left: what create() would have done beyond the create call (Blesta's first
  // reply, which a separate call adds), if anything.
  adopted?(ticket: TicketRef): Promise<Record<string, unknown>>;
  // True when the failed create certainly did not reach the target (refused, bad credentials): no lookup needed next time.
  notTaken(err: unknown): boolean;
}

// A short, stable tag for an incident, put in the ticket's subject: `[HD-1a2b3c4d5e6f]`. Searchable, and not the raw
// key (rule and site ids are nothing a customer needs to read).
export function incidentMarker(key: string): string {
  return `HD-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

// How long a 'creating' claim is taken to be in progress (an attempt's calls and its retries' first steps).
const OPENING_SECONDS = 300;

export async function ticketPerIncident(
  threads: DestinationThreads,
  destinationId: string,
  deliveryId: string,
  incident: MessageIncident,
  system: TicketSystem,
): Promise<Record<string, unknown>> {
  const marker = incidentMarker(incident.key);
  const known = await threads.find(destinationId, incident.key);
  if (known && known.state !== 'creating' && known.externalId) {
    const ticket = { id: known.externalId, data: known.data };
    if (incident.updates && known.state === 'closed') return { ticket: ticket.id, did: 'nothing: the incident is closed already' };
    if (!incident.closes) return { ticket: ticket.id, did: 'replied', ...(await system.reply(ticket)) };
    if (known.state === 'closed') return { ticket: ticket.id, did: 'nothing: closed already' };
    const response = await system.close(ticket);
    await threads.closed(destinationId, incident.key);
    return { ticket: ticket.id, did: 'closed', ...response };
  }
  if (incident.closes || incident.updates) {
    // A recovery or an update with no ticket recorded: adopt one a lost create left (and close or reply to it), else
    // there is nothing to close or reply to. An opening still being created makes it wait.
    const found = known ? await system.findByMarker(marker) : null;
    if (!found && known && Date.now() - known.updatedAt.getTime() < OPENING_SECONDS * 1000) {
      throw new DestinationError('the ticket of this incident is still being opened by another delivery; retried later', false);
    }
    if (!found) return { ticket: null, did: 'nothing: no ticket was opened for this incident' };
    await threads.remember(destinationId, incident.key, found.id, { ...found.data, marker });
    if (incident.updates) return { ticket: found.id, did: 'replied', ...(await system.reply(found)) };
    const response = await system.close(found);
    await threads.closed(destinationId, incident.key);
    return { ticket: found.id, did: 'closed', ...response };
  }
  const claim = await threads.begin(destinationId, incident.key, deliveryId, OPENING_SECONDS);
  if (!claim.claimed) {
    if (claim.thread.state === 'creating') {
      throw new DestinationError(`another delivery (${claim.thread.deliveryId}) is opening the ticket of this incident; retried later`, false);
    }
    return ticketPerIncident(threads, destinationId, deliveryId, incident, system); // opened meanwhile: reply to it
  }
  if (claim.interrupted) {
    const found = await system.findByMarker(marker);
    if (found) {
      await threads.opened(destinationId, incident.key, found.id, { ...found.data, marker });
      const more = system.adopted ? await system.adopted(found) : {};
      return { ticket: found.id, did: 'adopted: an earlier attempt had opened it, its answer was lost', marker, ...more };
    }
  }
  try {
    const created = await system.create(marker);
    await threads.opened(destinationId, incident.key, created.id, { ...created.data, marker });
    return { ticket: created.id, did: 'opened', marker, ...created.response };
  } catch (err) {
    if (system.notTaken(err)) await threads.abandon(destinationId, incident.key);
    throw err;
  }
}
