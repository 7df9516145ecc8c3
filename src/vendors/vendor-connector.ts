import type { RequestRetryPolicy } from './retry-schedule';
import { NormalizedEvent, RejectedRecord } from '../events/normalized-event';

// What a connector needs of a vendor account; credentials arrive already decrypted (or resolved from env:NAME).
export interface ConnectorAccount {
  id: string;
  organizationId: string;
  vendor: string;
  baseUrl: string | null;
  settings: Record<string, unknown>;
  credentials: Record<string, string>;
  backfillFrom: Date | null;
}

// Opaque to everything but the connector that wrote it; stored as jsonb on the vendor account.
export type PollCursor = Record<string, unknown>;

// One page of a poll: the events it yields, records it could not read, and the cursor to store with them (in the
// same transaction) so that the next run resumes after this page.
export interface ConnectorPage {
  events: NormalizedEvent[];
  rejected: RejectedRecord[];
  cursor: PollCursor;
  records?: number; // vendor records the page read (default: events + rejected; a record can yield several events)
}

export interface PollOptions {
  now: Date;
  signal: AbortSignal;
  // A reconciliation pass: read no record stamped after this (the incremental poll has those).
  until?: Date;
  // Retry one failed vendor request in place (429 with Retry-After, a 5xx, a timeout) instead of failing the run.
  retry?: RequestRetryPolicy;
}

// The port every vendor adapter implements (Monarx, the built-in simulator, ...). Adapters throw the typed errors
// of vendor-errors.ts; the poll job decides about retries, backoff and account status.
export abstract class VendorConnector {
  abstract readonly vendor: string;
  // Whether records can become visible after the high-water mark passed their timestamp, so that a periodic
  // reconciliation pass over a recent window is needed (a pure function of time, like the simulator, never needs it).
  readonly lateRecords: boolean = true;

  // Checks the credentials with one cheap call; resolves to a sentence for the operator.
  abstract test(account: ConnectorAccount): Promise<string>;

  // Pages from the cursor (null: first run, start at backfillFrom or the connector's default) up to now (or until).
  abstract poll(account: ConnectorAccount, cursor: PollCursor | null, opts: PollOptions): AsyncIterable<ConnectorPage>;

  // The high-water marks a stored cursor holds, by resource (the metrics' lag behind now). Empty: none yet.
  abstract highWaterMarks(cursor: PollCursor | null): Record<string, Date>;
}
