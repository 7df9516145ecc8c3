import type { PollFault } from './retry-schedule';

// Errors a vendor connector throws. `retryable` is what the poll job decides on: a retryable error is retried with
// backoff (honouring retryAfterMs), a permanent one stops polling the account until an operator fixes its settings.

export abstract class VendorError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class VendorAuthError extends VendorError {
  readonly code = 'vendor_auth_failed';
  readonly retryable = false;

  constructor(readonly status: number, vendorMessage?: string) {
    super(
      `The vendor rejected the credentials (HTTP ${status}); check the API id and API secret of this vendor account` +
        (vendorMessage ? `: ${vendorMessage}` : ''),
    );
  }
}

export class VendorNotFoundError extends VendorError {
  readonly code = 'vendor_not_found';
  readonly retryable = false;

  constructor(readonly url: string) {
    super(`The vendor answered 404 for ${url}; check the enterprise id of this vendor account`);
  }
}

export class VendorRateLimitError extends VendorError {
  readonly code = 'vendor_rate_limited';
  readonly retryable = true;

  constructor(readonly retryAfterMs: number | null) {
    super(
      retryAfterMs === null
        ? 'The vendor is rate limiting requests (HTTP 429)'
        : `The vendor is rate limiting requests (HTTP 429); retry after ${Math.ceil(retryAfterMs / 1000)}s`,
    );
  }
}

export class VendorTransientError extends VendorError {
  readonly code = 'vendor_unavailable';
  readonly retryable = true;

  constructor(message: string, readonly status: number | null = null, options?: { cause?: unknown }) {
    super(message, options);
  }
}

// The caller restarts the scan from its stored high-water mark; the overlap window and id dedupe absorb the repeat.
export class VendorCursorExpiredError extends VendorError {
  readonly code = 'vendor_cursor_expired';
  readonly retryable = true;

  constructor(readonly status: number) {
    super(`The vendor's paging cursor expired (HTTP ${status}); restart from the stored high-water mark`);
  }
}

// The vendor refused a request or sent a body we cannot read (most likely it changed a path, a parameter or a field
// name, and the account's API-shape override needs correcting), or the configured URL cannot be called. Retrying
// will not help.
export class VendorContractError extends VendorError {
  readonly code = 'vendor_contract';
  readonly retryable = false;

  constructor(message: string, readonly status: number | null = null) {
    super(message);
  }
}

// Retry-After is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). Null when absent or unreadable.
// How the schedules see a vendor error (null: not a vendor error).
export function vendorFault(err: unknown): PollFault | null {
  if (err instanceof VendorRateLimitError) return { kind: 'rate_limited', retryAfterMs: err.retryAfterMs };
  if (err instanceof VendorTransientError) return { kind: 'transient' };
  if (err instanceof VendorError) return err.retryable ? { kind: 'transient' } : { kind: 'permanent' };
  return null;
}
