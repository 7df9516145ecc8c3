import { Injectable } from '@nestjs/common';
import { MailError } from '../mail/mail-errors';
import { Mailer } from '../mail/mailer';
import { messageIdAt } from '../mail/message-id';
import { brandEnvelope } from '../templates/branded-email';
import { Destination, DestinationError, DestinationResult, OutboundDelivery } from './destination';

// Email through the one Mailer, signed as the customer's brand (From, Reply-To, DKIM as digests are).
// To: a configured destination's config.to, else the payload's { to: string[] } (a customer's own recipients).
@Injectable()
export class EmailDestination extends Destination {
  readonly kind = 'email';
  override readonly resendsInterrupted = true;

  constructor(private readonly mailer: Mailer) {
    super();
  }

  async send(d: OutboundDelivery): Promise<DestinationResult> {
    const { brand, content, headers } = d.message;
    if (!brand || !content) throw new DestinationError('this message has no e-mail form', true);
    const listed = d.target ? d.target.config.to : d.payload.to;
    const to = Array.isArray(listed) ? listed.filter((a): a is string => typeof a === 'string' && a.includes('@')) : [];
    const messageId = deliveryMessageId(d, brand.senderEmail);
    const request = {
      transport: this.mailer.transport.kind,
      from: `${brand.senderName} <${brand.senderEmail}>`,
      replyTo: brand.replyTo,
      to,
      subject: content.subject,
      messageId,
      dkim: brand.dkim ? `${brand.dkim.keySelector}._domainkey.${brand.dkim.domainName}` : null,
    };
    if (!to.length) throw new DestinationError('no recipient addresses', true, request);
    try {
      const r = await this.mailer.send({
        ...brandEnvelope(brand), to, subject: content.subject, html: content.html, text: content.text, messageId,
        headers: { 'Auto-Submitted': 'auto-generated', ...headers }, organizationId: d.organizationId,
      });
      return { request, response: { messageId: r.messageId, accepted: r.accepted, rejected: r.rejected, reply: r.response ?? null } };
    } catch (err) {
      if (err instanceof MailError) {
        throw new DestinationError(err.message, err.permanent, request, { failure: err.reason, responseCode: err.responseCode, rejected: err.rejected });
      }
      throw new DestinationError((err as Error)?.message ?? String(err), false, request); // e.g. the outbox disk: may pass later
    }
  }
}

// The same Message-ID on every attempt of a round (a retry after an unclear failure can be folded by the receiver);
// a replay is a deliberate new copy with its own.
export function deliveryMessageId(d: Pick<OutboundDelivery, 'id' | 'round'>, senderEmail: string): string {
  return messageIdAt(`delivery-${d.id}${d.round ? `.${d.round}` : ''}`, senderEmail);
}
