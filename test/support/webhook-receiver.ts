import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number; // Date.now() when the request ended
}

// A webhook receiver on 127.0.0.1 as a customer's portal would run it: keeps what arrives, answers as told (per path),
// and verifies with the standardwebhooks package, written by the spec's authors.
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private answers = new Map<string, { status: number; body: string }>();
  private readonly stalled = new Set<string>(); // paths whose requests are taken and never answered
  private readonly open = new Set<import('node:http').ServerResponse>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    let self: WebhookReceiver | null = null;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        self!.received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() });
        if (self!.stalled.has(path)) return void self!.open.add(res);
        const a = self!.answers.get(path) ?? { status: 200, body: '{"ok":true}' };
        res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
      });
    });
    self = new WebhookReceiver(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return self;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  answer(path: string, status: number, body = ''): void {
    this.answers.set(path, { status, body });
  }

  // Requests to `path` are read (and kept) but never answered: the sender hangs until its timeout or its end.
  stall(path: string): void {
    this.stalled.add(path);
  }

  at(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  // The payload if the message verifies with `secret`; throws (WebhookVerificationError) if not.
  static verify(r: ReceivedWebhook, secret: string): unknown {
    return new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
  }

  stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections?.();
    return new Promise((r) => this.server.close(() => r()));
  }
}
