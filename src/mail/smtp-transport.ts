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

  constructor(url: string, opts: { maxConnections?: number; connectTimeoutMs?: number; greetingTimeoutMs?: number } = {}) {
    super();
    const connectMs = opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    this.transporter = nodemailer.createTransport({
      ...parseConnectionUrl(url),
      pool: true,
      maxConnections: opts.maxConnections ?? 5,
      maxMessages: 500,
      connectionTimeout: connectMs,
      greetingTimeout: connectMs + (opts.greetingTimeoutMs ?? 10_000), // counted from the start of the connect (see noDelaySocket)
      socketTimeout: 60_000,
      getSocket: (options: SocketOptions, callback: SocketCallback) => noDelaySocket(options, connectMs, callback),
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
// The socket is handed over while it connects, never as an error: nodemailer's pool (7.x) frees a connection's slot
// only on that connection's 'error' event, and an error given to this callback skips it, so five refused connects
// used up a pool of five for good and every later send waited forever. Handed over, a refused or timed-out connect
// reaches nodemailer's own socket handlers like any socket error: that send fails, the slot is freed, and the next
// send opens a fresh connection.
type SocketOptions = { host?: string; port?: number | string; secure?: boolean };
type SocketCallback = (err: Error | null, socket?: { connection: Socket }) => void;
function noDelaySocket(options: SocketOptions, timeoutMs: number, callback: SocketCallback): void {
  const host = options.host ?? 'localhost';
  const port = Number(options.port) || (options.secure ? 465 : 587);
  const socket = connect({ host, port, noDelay: true });
  // nodemailer takes a handed-over socket as connected (its own connect timeout is cleared at once): ours applies.
  const timer = setTimeout(() => socket.destroy(Object.assign(new Error(`connect ETIMEDOUT ${host}:${port}`), { code: 'ETIMEDOUT' })), timeoutMs);
  socket.once('connect', () => clearTimeout(timer));
  socket.once('close', () => clearTimeout(timer));
  callback(null, { connection: socket });
}

const addr = (a: string | { address: string }) => (typeof a === 'string' ? a : a.address);
