// A mail failure, classified: permanent (the server refused for good: 5xx, e.g. 550 recipient rejected) is recorded
// and not retried; transient (4xx, connection refused/reset, timeouts, TLS hiccups) is retried with backoff.
export type MailFailureKind = 'permanent' | 'transient';

export class MailError extends Error {
  constructor(
    message: string,
    readonly kind: MailFailureKind,
    readonly responseCode: number | null,
    readonly rejected: string[] = [],
  ) {
    super(message);
    this.name = 'MailError';
  }

  get permanent(): boolean {
    return this.kind === 'permanent';
  }
}

interface SmtpLikeError {
  responseCode?: unknown;
  code?: unknown;
  message?: unknown;
  rejected?: unknown;
}

// Pure: from what nodemailer throws to permanent/transient. Only an explicit 5xx reply is permanent; anything we
// cannot attribute to the remote server's final answer (no response code) might succeed later.
export function classifyMailError(err: unknown): MailFailureKind {
  const e = (err ?? {}) as SmtpLikeError;
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  if (code !== null) return code >= 500 && code < 600 ? 'permanent' : 'transient';
  // Envelope errors without a reply code are our own message's fault (no recipients, invalid address): retrying
  // the same message cannot help.
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return 'permanent';
  return 'transient';
}

export function toMailError(err: unknown): MailError {
  if (err instanceof MailError) return err;
  const e = (err ?? {}) as SmtpLikeError;
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const rejected = Array.isArray(e.rejected) ? e.rejected.map(String) : [];
  const message = typeof e.message === 'string' ? e.message : String(err);
  return new MailError(message.slice(0, 500), classifyMailError(err), code, rejected);
}
