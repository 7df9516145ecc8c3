import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  raw: Buffer;
  envelope: { from: string; to: string[] };
  parse: () => Promise<ParsedMail>;
}

// A real SMTP server (the smtp-server package) on 127.0.0.1 that keeps every message it accepted, as the MIME bytes.
// It can refuse chosen recipients with 550, refuse every message with a 4xx, and be stopped and started again on
// the same port (SMTP down, then up).
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  readonly rejectRecipients = new Set<string>();
  tempFailAll = false;
  delayMs = 0;
  private server: SMTPServer | null = null;
  port = 0;

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await sink.listen();
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 10 * 1024 * 1024,
      closeTimeout: 50, // stop() ends open connections at once: "down" is down now
      onRcptTo: (address, _session, cb) => {
        if (this.rejectRecipients.has(address.address.toLowerCase())) {
          const err = Object.assign(new Error('5.1.1 Recipient address rejected: no such user'), { responseCode: 550 });
          return cb(err);
        }
        cb();
      },
      onData: (stream: SMTPServerDataStream, session: SMTPServerSession, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const finish = () => {
            // Stopped while this message waited for its delay: the server went down before acknowledging it, so it
            // is neither kept nor answered (the client sees the connection close).
            if (this.server !== server) return;
            if (this.tempFailAll) return cb(Object.assign(new Error('4.3.0 try again later'), { responseCode: 451 }));
            const raw = Buffer.concat(chunks);
            const envelope = {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            };
            this.received.push({ raw, envelope, parse: () => simpleParser(raw) });
            cb();
          };
          if (this.delayMs) setTimeout(finish, this.delayMs);
          else finish();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    server.on('error', () => undefined);
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  // Closes the listener and every open connection (clients see the server go away).
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async parsed(): Promise<ParsedMail[]> {
    return Promise.all(this.received.map((m) => m.parse()));
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.envelope.to.includes(address));
  }

  clear(): void {
    this.received.length = 0;
  }
}
