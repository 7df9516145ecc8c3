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

// A text part as MIME: base64 (native in Node), wrapped at 76 characters, as one Buffer. Left to nodemailer, a 70 KB
// digest cost ~3 ms of CPU per email (detecting an encoding with regular expressions, wrapping base64 with one, and
// streaming it in small chunks, one socket write each); this way it is a tenth of that. Quoted-printable would be
// JavaScript. A Buffer, not a string: the part lives outside the JavaScript heap until the server has it, so a run's
// mail in flight does not pile up in the old generation between garbage collections (peak RSS).
export function encodedPart(contentType: 'text/plain' | 'text/html', content: string | Buffer): Buffer {
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const b64 = body.toString('base64');
  const head = `Content-Type: ${contentType}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n`;
  const lines = Math.max(1, Math.ceil(b64.length / LINE));
  const out = Buffer.allocUnsafe(head.length + b64.length + 2 * lines);
  let at = out.write(head, 0, 'latin1');
  for (let i = 0; i < lines; i++) {
    at += out.write(b64.slice(i * LINE, (i + 1) * LINE), at, 'latin1');
    at = out.writeUInt16BE(0x0d0a, at); // CRLF
  }
  return out;
}

const LINE = 76;
