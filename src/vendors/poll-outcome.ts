import { DomainError } from '../errors/domain-error';
import { OutboundHttpError } from '../http/http-client';
import {
  VendorAuthError,
  VendorContractError,
  VendorCursorExpiredError,
  VendorError,
  VendorNotFoundError,
  VendorRateLimitError,
  VendorTransientError,
} from './vendor-errors';

// How a poll run ended, as hostdigest_vendor_polls_total{outcome} and an account's lastErrorCode name it.
// rate_limited: the vendor's 429 outlasted the waits in a run · vendor_error: 5xx, network, an expired paging cursor ·
// timeout: the vendor did not answer in OUTBOUND_TIMEOUT_MS · auth_failed: credentials refused (401/403) or a
// credential reference that cannot be resolved · contract_error: a 404 (enterprise id), a request the vendor refused,
// a body we cannot read, or settings that cannot work · internal_error: ours (storing a page failed).
export const POLL_OUTCOMES = ['ok', 'rate_limited', 'vendor_error', 'timeout', 'auth_failed', 'contract_error', 'internal_error'] as const;
export type PollOutcomeClass = (typeof POLL_OUTCOMES)[number];
export type PollErrorClass = Exclude<PollOutcomeClass, 'ok'>;

export function pollErrorClass(err: unknown): PollErrorClass {
  if (err instanceof VendorRateLimitError) return 'rate_limited';
  if (err instanceof VendorAuthError) return 'auth_failed';
  if (err instanceof DomainError && err.code === 'secret_unavailable') return 'auth_failed';
  if (err instanceof VendorContractError || err instanceof VendorNotFoundError) return 'contract_error';
  if (err instanceof VendorTransientError) return timedOut(err) ? 'timeout' : 'vendor_error';
  if (err instanceof VendorCursorExpiredError) return 'vendor_error';
  if (err instanceof VendorError) return err.retryable ? 'vendor_error' : 'contract_error';
  // Our outbound client's own refusals (a blocked or invalid URL, a redirect, an oversized answer) will recur.
  if (err instanceof OutboundHttpError) return err.code === 'timeout' ? 'timeout' : err.code === 'network' ? 'vendor_error' : 'contract_error';
  return 'internal_error';
}

// Our request timed out (the outbound client's `timeout`, kept as the cause) or the vendor said so (408).
function timedOut(err: VendorTransientError): boolean {
  if (err.status === 408) return true;
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof OutboundHttpError ? cause.code === 'timeout' : (cause as { code?: unknown } | undefined)?.code === 'timeout';
}
