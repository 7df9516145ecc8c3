// What an adapter remembers of the things it made on its target, by a key of its own choosing: the ticket of an
// incident (`rule:<rule id>:<incident>`), a billing client (`client:<customer id>`), a billable item
// (`billable:<incident>`). It knows destinations and keys only; what a key means is the adapter's business.

export type ThreadState = 'creating' | 'open' | 'closed';

export interface DestinationThread {
  destinationId: string;
  key: string;
  state: ThreadState;
  externalId: string | null; // the target's id (a WHMCS ticket id, a Blesta invoice id); null while creating
  data: Record<string, unknown>; // what else the adapter keeps (a public ticket number, the subject marker)
  deliveryId: string | null; // the delivery that last claimed or changed it
  updatedAt: Date;
}

// The outcome of begin():
// - claimed: this delivery creates it now. interrupted: an earlier attempt claimed it and never recorded an answer
//   (its request timed out or the worker died), so the target may hold it already: look it up before creating, or, where
//   the target cannot be searched, refuse to create twice.
// - not claimed: it exists (open or closed), or another delivery is creating it this very moment (state 'creating').
export type ThreadClaim = { claimed: true; interrupted: boolean } | { claimed: false; thread: DestinationThread };

// The port; PgDestinationThreads keeps it in PostgreSQL (destination_threads), so every replica sees the same.
export abstract class DestinationThreads {
  abstract find(destinationId: string, key: string): Promise<DestinationThread | null>;

  // Claims the key for this delivery before the create call. A 'creating' row is taken over by the same delivery
  // (its retry) or by another once leaseSeconds have passed without news (an attempt that died).
  abstract begin(destinationId: string, key: string, deliveryId: string, leaseSeconds?: number): Promise<ThreadClaim>;

  // The create was answered: the target's id, and what to keep beside it.
  abstract opened(destinationId: string, key: string, externalId: string, data?: Record<string, unknown>): Promise<void>;

  // The target certainly did not take the create (it refused it, or the connection never reached it): the claim is
  // dropped, so that the next attempt creates without a lookup.
  abstract abandon(destinationId: string, key: string): Promise<void>;

  // The thing was closed on the target (an incident's ticket at its recovery); data merged into what is kept.
  abstract closed(destinationId: string, key: string, data?: Record<string, unknown>): Promise<void>;

  // A reference that needs no claim (a client id found by a lookup): kept open under the key, replacing any before.
  abstract remember(destinationId: string, key: string, externalId: string, data?: Record<string, unknown>): Promise<void>;
}
