import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Metrics } from '../metrics/metrics';
import { mailSendLabels } from './mail-errors';
import type { MailMessage, MailResult } from './mail-message';
import { MailTransport } from './mail-transport';
import { OutboxTransport } from './outbox-transport';
import { SmtpTransport } from './smtp-transport';

export type { MailMessage, MailResult } from './mail-message';
export { MailError, classifyMailError } from './mail-errors';

// The one way to send mail: SMTP when SMTP_URL is set, else .eml files in the outbox folder.
// Throws MailError (err.permanent tells whether a retry can help) when the message was not accepted.
@Injectable()
export class Mailer implements OnApplicationShutdown {
  readonly transport: MailTransport;

  constructor(
    config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    this.transport = config.smtpUrl ? new SmtpTransport(config.smtpUrl) : new OutboxTransport(config.outboxDir);
  }

  async send(msg: MailMessage): Promise<MailResult> {
    const transport = this.transport.kind;
    try {
      const result = await this.transport.send(msg);
      this.metrics.mailSends.inc({ transport, ...mailSendLabels(null) });
      return result;
    } catch (err) {
      this.metrics.mailSends.inc({ transport, ...mailSendLabels(err) });
      throw err;
    }
  }

  // The outbox, when mail goes there (null with SMTP).
  get outbox(): OutboxTransport | null {
    return this.transport instanceof OutboxTransport ? this.transport : null;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}
