// What the Mailer sends. Sender, DKIM and headers are per message (a brand's), never transport state.
export interface MailAddress {
  name: string;
  address: string;
}

export interface DkimKey {
  domainName: string;
  keySelector: string;
  privateKey: string; // PEM, already decrypted
}

export interface MailMessage {
  from: MailAddress;
  replyTo?: string | null;
  to: string[];
  subject: string;
  html: string | Buffer; // a Buffer: UTF-8
  text: string;
  headers?: Record<string, string>;
  dkim?: DkimKey | null;
  messageId?: string; // `<id@domain>`; set it to resend a message under the same id (receivers may dedupe on it)
  organizationId?: string; // shown by the outbox listing only; never sent over SMTP
}

export interface MailResult {
  messageId: string;
  accepted: string[];
  rejected: string[];
  response?: string; // the server's reply line to the message (SMTP only), e.g. "250 2.0.0 Ok: queued as 4F1"
}
