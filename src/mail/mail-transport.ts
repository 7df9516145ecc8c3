import type Mail from 'nodemailer/lib/mailer';
import type { MailMessage, MailResult } from './mail-message';

// The port: where mail goes. Two implementations: pooled SMTP (SMTP_URL) and the outbox folder (the default).
// send() throws MailError (see mail-errors.ts) when the message was not accepted.
export abstract class MailTransport {
  abstract readonly kind: 'smtp' | 'outbox';
  abstract send(msg: MailMessage): Promise<MailResult>;
  abstract close(): Promise<void>;
}

// The nodemailer options both transports build a message from.
export function mailOptions(msg: MailMessage): Mail.Options {
  return {
    from: { name: msg.from.name, address: msg.from.address },
    replyTo: msg.replyTo ?? undefined,
    to: msg.to,
    subject: msg.subject,
    // Each part handed over encoded (see encodedPart): nodemailer streams it as it is.
    // (`raw` is the content node with its headers: a documented nodemailer form its type definitions omit.)
    text: { raw: encodedPart('text/plain', msg.text) } as Mail.AttachmentLike,
    html: { raw: encodedPart('text/html', msg.html) } as Mail.AttachmentLike,
    headers: msg.headers,
    messageId: msg.messageId,
    dkim: msg.dkim ? { domainName: msg.dkim.domainName, keySelector: msg.dkim.keySelector, privateKey: msg.dkim.privateKey } : undefined,
    disableFileAccess: true, // a message never reads local files or URLs
    disableUrlAccess: true,
  };
}

// A text part as MIME: base64 (native in Node), wrapped at 76 characters. Left to nodemailer, a 70 KB digest cost
// ~3 ms of CPU per email (detecting an encoding with regular expressions, wrapping base64 with one, and streaming
// it in small chunks, one socket write each); this way it is a tenth of that. Quoted-printable would be JavaScript.
export function encodedPart(contentType: 'text/plain' | 'text/html', content: string): string {
  const b64 = Buffer.from(content, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return `Content-Type: ${contentType}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${lines.join('\r\n')}\r\n`;
}
