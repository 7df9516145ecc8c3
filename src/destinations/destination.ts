import type { HttpClient } from '../http/http-client';
import type { ResolvedBrand } from '../templates/branded-email';
import type { RenderedChannelText } from '../templates/channel-renderer';
import type { RenderedEmail } from '../templates/template-renderer';
import type { DestinationThreads } from './threads/destination-threads';

// What an adapter is handed: the delivery as stored (its payload says where to: addresses, later URLs or channels)
// and the message composed for this attempt.
export interface OutboundDelivery {
  id: string;
  organizationId: string;
  customerId: string | null;
  attempt: number; // 1-based, across every round
  round: number; // 0 = the original sends; a replay by the operator starts a new round (a deliberate new copy)
  payload: Record<string, unknown>;
  message: OutboundMessage;
  // The configured destination this delivery goes to, credentials opened for this attempt only; null for the
  // implicit email destination of a customer (recipients in the payload).
  target: DestinationTarget | null;
}

export interface DestinationTarget {
  id: string;
  organizationId: string;
  kind: string;
  config: Record<string, unknown>; // as checked per kind (destination-config.ts); header values opened
  secrets: Record<string, string>; // opened, e.g. signingSecret
  previousSecrets: Record<string, string> | null; // during a rotation's overlap: the secrets before it, still used
  enabled: boolean; // a disabled destination's deliveries are held, not sent
  rateLimitPerMinute: number | null; // messages per minute it takes (null: unlimited), across all replicas
}

// A message as JSON targets (webhooks, later portals and chat adapters) take it: { type, timestamp, data }.
export interface OutboundEvent {
  type: string; // e.g. 'notification.test', 'security_event.created'
  timestamp: string; // ISO-8601: when what the message says happened
  data: Record<string, unknown>;
}

export interface OutboundMessage {
  // Absent for a message that has only a JSON form (event subscriptions): an e-mail adapter cannot send it.
  brand?: ResolvedBrand; // the customer's brand: sender identity for mail, name and colours for others
  content?: RenderedEmail; // subject, HTML and text; chat and ticket adapters use subject and text
  headers?: Record<string, string>;
  event?: OutboundEvent; // the structured form; a cause without one cannot be sent to a JSON target
  // The text of a chat, push, paging or SMS message, rendered by its cause from the brand's channel template; the
  // channel adapters prefer it to their own text from the event (channel-message.ts), and still escape and cut it.
  text?: RenderedChannelText;
}

// What was sent (a summary: recipients, subject, ids; never credentials) and what the target answered.
export interface DestinationResult {
  request: Record<string, unknown>;
  response: Record<string, unknown>;
}

// What the target said beyond "failed": wait this long before the next try (429/503 Retry-After, in seconds), or
// stop sending to it at all, the destination disabled with this reason and the operator told (410 Gone; a channel
// that refuses its token, key or secret URL: invalid_credentials).
export interface DestinationHint {
  retryAfterSeconds?: number | null;
  disable?: 'gone_410' | 'invalid_credentials';
}

// Thrown by send() when the target did not take the message. permanent: retrying the same message cannot help
// (e.g. SMTP 550); otherwise the delivery is retried on its schedule.
export class DestinationError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly request: Record<string, unknown> | null = null,
    readonly response: Record<string, unknown> | null = null,
    readonly hint: DestinationHint = {},
  ) {
    super(message);
    this.name = 'DestinationError';
  }
}

// The port: one adapter per target system (email now; webhooks, WHMCS, Slack, … later).
export abstract class Destination {
  abstract readonly kind: string;
  // A send cut off mid-way (the worker killed after the claim) may be sent once more on its own, as the same message,
  // when DELIVERY_INTERRUPTED_POLICY=resend: true only where the receiver folds a repeat (e-mail, by its Message-ID).
  // A webhook, a ticket or a billing call is never resent automatically: the target may already have acted on it,
  // so it is marked interrupted and left to the operator (replay).
  readonly resendsInterrupted: boolean = false;
  abstract send(delivery: OutboundDelivery): Promise<DestinationResult>;
}

// How every HTTP adapter is built (destinations.ts): the one HttpClient, and the thread store where it remembers what
// it created on its target (a ticket per incident, a client id). Adapters that need no memory ignore the second.
export type DestinationAdapterClass = new (http: HttpClient, threads: DestinationThreads) => Destination;
