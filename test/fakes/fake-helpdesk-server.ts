import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface HelpdeskRequest {
  method: string;
  url: URL;
  path: string; // url.pathname, a trailing .json dropped (Zendesk takes both)
  headers: IncomingHttpHeaders;
  body: string;
  json: any; // the parsed body when it says JSON and is; else null
  form: URLSearchParams | null;
}

export interface HelpdeskReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | object; // an object is sent as JSON
}

export type HelpdeskHandler = (req: HelpdeskRequest) => HelpdeskReply;

// A helpdesk's API on 127.0.0.1, stateful (tickets, comments, statuses): the handler checks each request as the real
// system does and changes its state. Faults on demand: script() answers the next requests instead of the handler
// (nothing is done: a 500, a 429 with Retry-After); stallNext() lets the handler do the work and then never answers
// (the lost answer: the system took it, the caller timed out).
export class FakeHelpdeskServer {
  readonly requests: (HelpdeskRequest & { reply: HelpdeskReply | 'stalled' })[] = [];
  private readonly scripted: HelpdeskReply[] = [];
  private stalls = 0;
  private readonly open = new Set<ServerResponse>();

  private constructor(private readonly server: Server) {}

  static async start(handler: HelpdeskHandler): Promise<FakeHelpdeskServer> {
    let self: FakeHelpdeskServer | null = null;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => self!.handle(handler, req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    self = new FakeHelpdeskServer(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return self;
  }

  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  script(...replies: HelpdeskReply[]): void {
    this.scripted.push(...replies);
  }

  stallNext(n = 1): void {
    this.stalls += n;
  }

  // The requests of a method on a path (a RegExp over the path).
  to(method: string, path: RegExp): (HelpdeskRequest & { reply: HelpdeskReply | 'stalled' })[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  reset(): void {
    this.requests.length = 0;
    this.scripted.length = 0;
    this.stalls = 0;
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections?.();
    await new Promise((r) => this.server.close(() => r(null)));
  }

  private handle(handler: HelpdeskHandler, method: string, rawUrl: string, headers: IncomingHttpHeaders, body: string, res: ServerResponse): void {
    const url = new URL(rawUrl, 'http://fake');
    const type = String(headers['content-type'] ?? '');
    let json: any = null;
    if (type.startsWith('application/json')) {
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
    }
    const req: HelpdeskRequest = {
      method, url, path: url.pathname.replace(/\.json$/, ''), headers, body, json,
      form: type.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(body) : null,
    };
    const scripted = this.scripted.shift();
    const reply = scripted ?? handler(req);
    if (!scripted && this.stalls > 0 && reply.status < 300) {
      this.stalls--;
      this.requests.push({ ...req, reply: 'stalled' });
      this.open.add(res);
      return;
    }
    this.requests.push({ ...req, reply });
    const isObject = reply.body !== undefined && typeof reply.body !== 'string';
    res.writeHead(reply.status, { 'content-type': isObject ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8', ...reply.headers });
    res.end(isObject ? JSON.stringify(reply.body) : (reply.body as string | undefined) ?? '');
  }
}

export const isJsonRequest = (r: HelpdeskRequest) => String(r.headers['content-type'] ?? '').startsWith('application/json');

export function basicAuth(r: HelpdeskRequest): string | null {
  const m = /^Basic (.+)$/.exec(String(r.headers.authorization ?? ''));
  return m ? Buffer.from(m[1], 'base64').toString('utf8') : null;
}

export const isEmail = (v: unknown): boolean => typeof v === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);
