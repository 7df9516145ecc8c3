import { Logger } from '@nestjs/common';
import { connect, Socket } from 'node:net';
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
      connectionTimeout: CONNECT_TIMEOUT_MS,
      greetingTimeout: 10_000,
      socketTimeout: 60_000,
      getSocket: noDelaySocket,
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

const CONNECT_TIMEOUT_MS = 10_000;

// nodemailer opens its sockets with Nagle's algorithm on: the end of each message's DATA then waits for the
// server's delayed ACK, ~40 ms per message and connection, which capped a pool of five at ~160 messages/s. Its
// sockets are opened here instead, with TCP_NODELAY; TLS (smtps:// or STARTTLS) is still nodemailer's, on top.
type SocketOptions = { host?: string; port?: number | string; secure?: boolean };
function noDelaySocket(options: SocketOptions, callback: (err: Error | null, socket?: { connection: Socket }) => void): void {
  const port = Number(options.port) || (options.secure ? 465 : 587);
  const socket = connect({ host: options.host ?? 'localhost', port, noDelay: true });
  const fail = (err: Error) => {
    clearTimeout(timer);
    socket.destroy();
    callback(err);
  };
  const timer = setTimeout(() => fail(new Error(`connection to ${options.host}:${port} timed out`)), CONNECT_TIMEOUT_MS);
  socket.once('error', fail);
  socket.once('connect', () => {
    clearTimeout(timer);
    socket.removeListener('error', fail);
    callback(null, { connection: socket });
  });
}

const addr = (a: string | { address: string }) => (typeof a === 'string' ? a : a.address);
