import { Logger } from '@nestjs/common';
import nodemailer, { Transporter } from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import { toMailError } from './mail-errors';
import type { MailMessage, MailResult } from './mail-message';
import { mailOptions, MailTransport } from './mail-transport';

// Pooled SMTP: a handful of open connections reused for every message (a new connection costs ~100 ms of greeting).
export class SmtpTransport extends MailTransport {
  readonly kind = 'smtp' as const;
  private readonly logger = new Logger('Mail');
  private readonly transporter: Transporter;

  constructor(url: string, opts: { maxConnections?: number } = {}) {
    super();
    this.transporter = nodemailer.createTransport({
      ...parseConnectionUrl(url),
      pool: true,
      maxConnections: opts.maxConnections ?? 5,
      maxMessages: 500,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 60_000,
    });
    this.transporter.on('error', (err) => this.logger.warn(`SMTP pool: ${err.message}`));
  }

  async send(msg: MailMessage): Promise<MailResult> {
    try {
      const info = await this.transporter.sendMail(mailOptions(msg));
      return {
        messageId: info.messageId,
        accepted: (info.accepted ?? []).map(addr),
        rejected: (info.rejected ?? []).map(addr),
        response: typeof info.response === 'string' ? info.response.slice(0, 500) : undefined,
      };
    } catch (err) {
      throw toMailError(err);
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}

const addr = (a: string | { address: string }) => (typeof a === 'string' ? a : a.address);
