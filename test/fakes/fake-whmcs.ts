import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

// A WHMCS classic API (POST /includes/api.php) as /work/shared/integrations.md §1 describes it: PHP form fields only
// (a JSON body reaches PHP as no fields at all), identifier + secret, an IP allow-list that answers 403 "Invalid IP"
// unless the accesskey is right, responsetype=json (else XML), HTTP 200 with result=error for every application
// error, values as strings and lists wrapped ({"clients": {"client": [...]}}). Faults on demand.

export interface WhmcsClient { id: number; firstname: string; lastname: string; companyname: string; email: string; status: 'Active' | 'Inactive' | 'Closed' }
export interface WhmcsProduct { id: number; clientid: number; domain: string; serverhostname: string; username: string; status: string }
export interface WhmcsDomain { id: number; userid: number; domainname: string; status: string }

export interface FakeWhmcsOptions {
  identifier?: string;
  secret?: string;
  accessKey?: string;
  allowedIp?: boolean; // false: this caller's IP is not on the allow-list (only the accesskey lets it in)
}

export class FakeWhmcs {
  readonly clients: WhmcsClient[] = [];
  readonly products: WhmcsProduct[] = [];
  readonly domains: WhmcsDomain[] = [];
  readonly calls: { action: string; params: Record<string, string>; at: number }[] = [];
  delayMs = 0; // every answer waits this long (a billing system's page time)
  maintenance = 0; // the next N requests get the HTML maintenance page, with HTTP 200
  failures = 0; // the next N requests get a 500
  stallAfter: { action: string; from: number } | null = null; // requests for that action from that limitstart on never answer
  private readonly open = new Set<ServerResponse>();

  private constructor(private readonly server: Server, readonly opts: Required<FakeWhmcsOptions>) {}

  static async start(opts: FakeWhmcsOptions = {}): Promise<FakeWhmcs> {
    let self: FakeWhmcs | null = null;
    const server = createServer((req, res) => void self!.handle(req, res));
    self = new FakeWhmcs(server, { identifier: 'whmcs-id', secret: 'whmcs-secret', accessKey: '', allowedIp: true, ...opts });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  // n clients with `servicesPer` hosting services each (spread over servers) and one registered domain each.
  seed(n: number, servicesPer: (i: number) => number, prefix = 'c'): void {
    const base = this.clients.length;
    for (let i = 1; i <= n; i++) {
      const id = base + i;
      this.clients.push({ id, firstname: `First${id}`, lastname: `Last${id}`, companyname: i % 3 ? `${prefix.toUpperCase()} Hosting ${id} Ltd` : '', email: `admin${id}@${prefix}${id}.example`, status: i % 50 ? 'Active' : 'Inactive' });
      for (let k = 0; k < servicesPer(i); k++) {
        this.products.push({ id: this.products.length + 1, clientid: id, domain: `${prefix}${id}-${k}.example`, serverhostname: `web${(id + k) % 40}.host.example`, username: `${prefix}u${id}x${k}`, status: 'Active' });
      }
      this.domains.push({ id: this.domains.length + 1, userid: id, domainname: `${prefix}${id}-shop.example`, status: 'Active' });
    }
  }

  count(action: string): number {
    return this.calls.filter((c) => c.action === action).length;
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(() => r(null)));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'POST' || url.pathname !== '/includes/api.php') return this.send(res, 404, 'text/html', '<h1>404 Not Found</h1>');
    const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const p = form ? Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) : {};
    this.calls.push({ action: p.action ?? '', params: p, at: Date.now() });
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.stallAfter && p.action === this.stallAfter.action && Number(p.limitstart ?? 0) >= this.stallAfter.from) return void this.open.add(res);
    if (this.maintenance > 0) {
      this.maintenance--;
      return this.send(res, 200, 'text/html', '<html><body><h1>Down for Maintenance</h1><p>An upgrade is currently in progress.</p></body></html>');
    }
    if (this.failures > 0) {
      this.failures--;
      return this.send(res, 500, 'text/html', '<h1>Internal Server Error</h1>');
    }
    if (!this.opts.allowedIp && !(this.opts.accessKey && p.accesskey === this.opts.accessKey)) {
      return this.json(res, 403, { result: 'error', message: 'Invalid IP 127.0.0.1' });
    }
    if (p.identifier !== this.opts.identifier || p.secret !== this.opts.secret) return this.json(res, 200, { result: 'error', message: 'Authentication Failed' });
    if (p.responsetype !== 'json') return this.send(res, 200, 'text/xml', '<?xml version="1.0"?><whmcsapi><result>success</result></whmcsapi>');
    const page = <T>(items: T[]) => {
      const start = Math.max(0, Number(p.limitstart ?? 0) || 0);
      const num = Math.max(1, Number(p.limitnum ?? 25) || 25);
      const slice = items.slice(start, start + num);
      return { totalresults: String(items.length), startnumber: String(start), numreturned: String(slice.length), slice };
    };
    const strings = (o: object) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
    switch (p.action) {
      case 'GetClients': {
        const { slice, ...meta } = page(this.clients);
        return this.json(res, 200, { result: 'success', ...meta, clients: { client: slice.map(strings) } });
      }
      case 'GetClientsProducts': {
        const { slice, ...meta } = page(this.products);
        return this.json(res, 200, { result: 'success', ...meta, products: { product: slice.map((x) => ({ ...strings(x), pid: '1', name: 'Shared Hosting', servername: 'Web', serverip: '192.0.2.10' })) } });
      }
      case 'GetClientsDomains': {
        const { slice, ...meta } = page(this.domains);
        return this.json(res, 200, { result: 'success', ...meta, domains: { domain: slice.map(strings) } });
      }
      default:
        return this.json(res, 200, { result: 'error', message: p.action ? 'Command Not Found' : 'No action specified' });
    }
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    this.send(res, status, 'application/json', JSON.stringify(body));
  }

  private send(res: ServerResponse, status: number, type: string, body: string): void {
    if (!res.destroyed) res.writeHead(status, { 'content-type': type }).end(body);
  }
}
