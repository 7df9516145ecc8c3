// A mail failure, classified: permanent (the server refused for good: 5xx, e.g. 550 recipient rejected) is recorded
// and not retried; transient (4xx, connection refused/reset, timeouts, TLS hiccups) is retried with backoff.
export type MailFailureKind = 'permanent' | 'transient';

// What happened, as recorded on the digest row and the delivery attempt: an outage reads "connection refused" or
// "timeout", not a generic socket error (nodemailer replaces a refused connect's code with ESOCKET).
export type MailFailureReason =
  | 'connection_refused' // nothing listens at the SMTP address (server down, wrong port)
  | 'connection_timeout' // no TCP connection within the connect timeout (packets dropped)
  | 'unreachable' // no route to the SMTP host
  | 'timeout' // connected, but the server stopped answering (greeting or reply never came)
  | 'connection_lost' // the connection was closed or reset mid-conversation
  | 'dns' // the SMTP host name did not resolve
  | 'tls' // TLS could not be set up
  | 'auth' // the server refused our credentials
  | 'deferred' // a 4xx reply: the server asks us to try later
  | 'rejected' // a 5xx reply: refused for good
  | 'invalid_message' // our message cannot be sent as it is (no valid recipient, malformed)
  | 'other';

const LABELS: Record<MailFailureReason, string> = {
  connection_refused: 'connection refused', connection_timeout: 'connection timed out', unreachable: 'host unreachable', timeout: 'timeout',
  connection_lost: 'connection lost', dns: 'DNS lookup failed', tls: 'TLS failed', auth: 'authentication failed',
  deferred: 'deferred by the server', rejected: 'rejected by the server', invalid_message: 'invalid message', other: 'send failed',
};

export class MailError extends Error {
  constructor(
    message: string,
    readonly kind: MailFailureKind,
    readonly responseCode: number | null,
    readonly rejected: string[] = [],
    readonly reason: MailFailureReason = 'other',
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

// Pure: what kind of failure it was. The socket's own error text is kept by nodemailer ("connect ECONNREFUSED
// 127.0.0.1:25") while its code is not, so the text is read as well as the code.
export function mailFailureReason(err: unknown): MailFailureReason {
  const e = (err ?? {}) as SmtpLikeError;
  const code = typeof e.code === 'string' ? e.code : '';
  const text = typeof e.message === 'string' ? e.message : '';
  if (typeof e.responseCode === 'number') {
    if (code === 'EAUTH') return 'auth';
    return e.responseCode >= 500 ? 'rejected' : 'deferred';
  }
  if (code === 'EENVELOPE' || code === 'EMESSAGE') return 'invalid_message';
  if (code === 'ECONNREFUSED' || /\bECONNREFUSED\b/.test(text)) return 'connection_refused';
  if (/^connect ETIMEDOUT\b/.test(text) || (code === 'ETIMEDOUT' && /^Connection timeout/.test(text))) return 'connection_timeout';
  if (code === 'ETIMEDOUT' || /\bETIMEDOUT\b|Greeting never received|^Timeout/.test(text)) return 'timeout';
  if (code === 'EDNS' || /\b(ENOTFOUND|EAI_AGAIN)\b/.test(text)) return 'dns';
  if (/\b(EHOSTUNREACH|ENETUNREACH)\b/.test(text)) return 'unreachable';
  if (code === 'ETLS') return 'tls';
  if (code === 'EAUTH') return 'auth';
  if (/\b(ECONNRESET|EPIPE|ECONNABORTED)\b|closed unexpectedly|Unexpected socket close|Connection pool was closed/i.test(text)) {
    return 'connection_lost';
  }
  if (code === 'ECONNECTION' || code === 'ESOCKET') return 'connection_lost';
  return 'other';
}

export function toMailError(err: unknown): MailError {
  if (err instanceof MailError) return err;
  const e = (err ?? {}) as SmtpLikeError;
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const rejected = Array.isArray(e.rejected) ? e.rejected.map(String) : [];
  const reason = mailFailureReason(err);
  const text = typeof e.message === 'string' ? e.message : String(err);
  const message = reason === 'other' || reason === 'rejected' || reason === 'deferred' ? text : `${LABELS[reason]}: ${text}`;
  return new MailError(message.slice(0, 500), classifyMailError(err), code, rejected, reason);
}

// hostdigest_mail_sends_total's labels for one send: sent, or retry (a transient failure: the digest or delivery is
// tried again on its schedule) or failed (refused for good), with the failure's reason.
export function mailSendLabels(err: unknown | null): { outcome: 'sent' | 'retry' | 'failed'; reason: MailFailureReason | 'none' } {
  if (err === null) return { outcome: 'sent', reason: 'none' };
  const e = toMailError(err);
  return { outcome: e.permanent ? 'failed' : 'retry', reason: e.reason };
}
