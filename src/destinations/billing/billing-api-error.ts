// What a billing system's API answered when it did not do what was asked.
// - `refused`: it understood and said no (WHMCS result=error, Blesta 400): the same request will fail again.
// - `config`: our side is set up wrong (bad credentials, an IP not allow-listed, a plugin missing): nothing works until
//   the operator fixes it, so the destination is told, not retried forever.
// - `transient`: unavailable for now (5xx, a maintenance page, a timeout): worth another try.
export type BillingFailure = 'refused' | 'config' | 'transient';

export class BillingApiError extends Error {
  // The system certainly did not act on the request: it refused it, or it was never reached or never ran it (a
  // maintenance page, a 503, a connection refused). A timeout or a 500 leaves it open: it may have acted.
  readonly notTaken: boolean;

  constructor(
    message: string,
    readonly failure: BillingFailure,
    readonly status: number | null = null,
    notRun = false,
  ) {
    super(message);
    this.name = 'BillingApiError';
    this.notTaken = failure !== 'transient' || notRun;
  }
}

// An outbound error that certainly reached nothing: the connection was refused or never made.
export const neverConnected = (detail: string): boolean => /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|could not connect in time/.test(detail);

// An excerpt of a body that was not the JSON expected (an HTML login or maintenance page), for the error message.
export function bodyExcerpt(body: string): string {
  const text = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}
