import { DomainError } from '../errors/domain-error';
import { OutboundHttpError } from '../http/http-client';
import { pollErrorClass } from './poll-outcome';
import {
  VendorAuthError,
  VendorContractError,
  VendorCursorExpiredError,
  VendorNotFoundError,
  VendorRateLimitError,
  VendorTransientError,
} from './vendor-errors';

describe('pollErrorClass', () => {
  it('names vendor faults by what an operator does about them', () => {
    expect(pollErrorClass(new VendorRateLimitError(60_000))).toBe('rate_limited');
    expect(pollErrorClass(new VendorTransientError('Monarx answered HTTP 500: oops', 500))).toBe('vendor_error');
    expect(pollErrorClass(new VendorTransientError('Monarx answered HTTP 504', 504))).toBe('vendor_error');
    expect(pollErrorClass(new VendorCursorExpiredError(410))).toBe('vendor_error');
    expect(pollErrorClass(new VendorAuthError(401))).toBe('auth_failed');
    expect(pollErrorClass(new VendorNotFoundError('https://api.example/v1/enterprise/x/agent'))).toBe('contract_error');
    expect(pollErrorClass(new VendorContractError('settings.apiShape is invalid'))).toBe('contract_error');
  });

  it('tells a timeout from other transient faults by the outbound error it wraps, or a 408', () => {
    const timeout = new OutboundHttpError('timeout', 'api.example did not answer within 250 ms');
    expect(pollErrorClass(new VendorTransientError(`Monarx request failed: ${timeout.message}`, null, { cause: timeout }))).toBe('timeout');
    expect(pollErrorClass(new VendorTransientError('Monarx answered HTTP 408', 408))).toBe('timeout');
    const reset = new OutboundHttpError('network', 'socket hang up');
    expect(pollErrorClass(new VendorTransientError(`Monarx request failed: ${reset.message}`, null, { cause: reset }))).toBe('vendor_error');
    expect(pollErrorClass(timeout)).toBe('timeout');
    expect(pollErrorClass(reset)).toBe('vendor_error');
    expect(pollErrorClass(new OutboundHttpError('blocked_destination', 'blocked_destination: resolves to 10.0.0.1 (private)'))).toBe('contract_error');
  });

  it('counts a credential reference that does not resolve as auth_failed, and our own errors as internal', () => {
    expect(pollErrorClass(new DomainError('secret_unavailable', 'env:X is not available to this organization', 422))).toBe('auth_failed');
    expect(pollErrorClass(new Error('could not extend file'))).toBe('internal_error');
    expect(pollErrorClass('a string')).toBe('internal_error');
  });
});
