import { NormalizedEvent, RejectedRecord } from './vendor-event';

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
}

export interface PollOptions {
  now: Date;
  signal: AbortSignal;
}

// The port every vendor adapter implements (Monarx, the built-in simulator, ...). Adapters throw the typed errors
// of vendor-errors.ts; the poll job decides about retries, backoff and account status.
export abstract class VendorConnector {
  abstract readonly vendor: string;

  // Checks the credentials with one cheap call; resolves to a sentence for the operator.
  abstract test(account: ConnectorAccount): Promise<string>;

  // Pages from the cursor (null: first run, start at backfillFrom or the connector's default) up to now.
  abstract poll(account: ConnectorAccount, cursor: PollCursor | null, opts: PollOptions): AsyncIterable<ConnectorPage>;
}
