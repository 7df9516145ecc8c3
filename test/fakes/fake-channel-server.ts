import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  url: URL; // path and query
  headers: IncomingHttpHeaders;
  body: string;
  json: any; // the parsed body when it is JSON, else null
  form: URLSearchParams | null; // the parsed body when it is form-encoded
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | object; // an object is sent as JSON
  refused?: boolean; // a 2xx that reports a failure inside its body (Vonage SMS status, OneSignal id ""): not accepted
}

export type FakeHandler = (req: FakeRequest) => FakeReply;

// One vendor's API on 127.0.0.1, as the real one answers: the handler checks the request as the vendor does (method,
// path, auth, content type, required fields, limits) and answers in the vendor's own shapes. Scripted answers (a
// rate limit with the vendor's retry hint, a refused token, a 500) are given to the next requests that pass the
// method and path check. Every request is kept, with the answer it got.
export class FakeChannelServer {
  readonly requests: (FakeRequest & { reply: FakeReply })[] = [];
  private readonly scripted: FakeReply[] = [];

  private constructor(private readonly server: Server) {}

  static async start(handler: FakeHandler): Promise<FakeChannelServer> {
    let self: FakeChannelServer | null = null;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const type = String(req.headers['content-type'] ?? '');
        let parsed: any = null;
        if (type.startsWith('application/json')) {
          try {
            parsed = JSON.parse(body);
          } catch {
            parsed = null;
          }
        }
        const r: FakeRequest = {
          method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://fake'), headers: req.headers, body, json: parsed,
          form: type.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(body) : null,
        };
        const reply = self!.scripted.shift() ?? handler(r);
        self!.requests.push({ ...r, reply });
        const isObject = reply.body !== undefined && typeof reply.body !== 'string';
        const headers = { ...(isObject ? { 'content-type': 'application/json' } : { 'content-type': 'text/plain' }), ...reply.headers };
        res.writeHead(reply.status, headers).end(isObject ? JSON.stringify(reply.body) : (reply.body as string | undefined) ?? '');
      });
    });
    self = new FakeChannelServer(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return self;
  }

  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  // The next request gets this answer instead of the vendor's usual one.
  script(...replies: FakeReply[]): void {
    this.scripted.push(...replies);
  }

  // The requests the fake took as the real API would (2xx answers).
  get accepted(): (FakeRequest & { reply: FakeReply })[] {
    return this.requests.filter((r) => r.reply.status >= 200 && r.reply.status < 300 && !r.reply.refused && !(r.reply.body && typeof r.reply.body === 'object' && (r.reply.body as any).ok === false));
  }

  get last(): FakeRequest & { reply: FakeReply } {
    return this.requests[this.requests.length - 1];
  }

  reset(): void {
    this.requests.length = 0;
    this.scripted.length = 0;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections?.();
    return new Promise((r) => this.server.close(() => r()));
  }
}

export const isJson = (r: FakeRequest) => String(r.headers['content-type'] ?? '').startsWith('application/json');
