import type { MailMessage, MailResult } from './mail-message';

// The port: where mail goes. Two implementations: pooled SMTP (SMTP_URL) and the outbox folder (the default).
// send() throws MailError (see mail-errors.ts) when the message was not accepted.
export abstract class MailTransport {
  abstract readonly kind: 'smtp' | 'outbox';
  abstract send(msg: MailMessage): Promise<MailResult>;
  abstract close(): Promise<void>;
}

// The nodemailer options both transports build a message from.
export function mailOptions(msg: MailMessage) {
  return {
    from: { name: msg.from.name, address: msg.from.address },
    replyTo: msg.replyTo ?? undefined,
    to: msg.to,
    subject: msg.subject,
    html: msg.html,
    text: msg.text,
    headers: msg.headers,
    messageId: msg.messageId,
    dkim: msg.dkim ? { domainName: msg.dkim.domainName, keySelector: msg.dkim.keySelector, privateKey: msg.dkim.privateKey } : undefined,
    // Chosen, not detected: nodemailer's detection scans every part with regular expressions (~5 ms for a 70 KB
    // digest) and its quoted-printable encoder is JavaScript; base64 is native. Clients decode either.
    textEncoding: 'base64' as const,
    disableFileAccess: true, // a message never reads local files or URLs
    disableUrlAccess: true,
  };
}
