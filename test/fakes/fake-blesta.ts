import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

// A Blesta API (/api/{model}/{method}.json) as /work/shared/integrations.md §2 describes it: HTTP Basic only (a wrong
// user or key is 401 with Blesta's error envelope), {"response": …} on success, 404 for an unknown model or method,
// lists a page at a time (`page`, 20 per page, as Blesta's default results_per_page) and an empty list past the end.

export interface BlestaClient { id: number; first_name: string; last_name: string; company: string; email: string; status: 'active' | 'inactive' | 'fraud' }
export interface BlestaService { id: number; client_id: number; status: string; name: string; fields: { key: string; value: string }[]; module_row: { meta: { host_name: string } } }

const PER_PAGE = 20;

export class FakeBlesta {
  readonly clients: BlestaClient[] = [];
  readonly services: BlestaService[] = [];
  readonly calls: { path: string; query: Record<string, string> }[] = [];

  private constructor(private readonly server: Server, readonly user: string, readonly key: string) {}

  static async start(user = 'hostdigest', key = 'blesta-key-123'): Promise<FakeBlesta> {
    let self: FakeBlesta | null = null;
    const server = createServer((req, res) => self!.handle(req, res));
    self = new FakeBlesta(server, user, key);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  seed(n: number): void {
    for (let i = 1; i <= n; i++) {
      const id = this.clients.length + 1;
      this.clients.push({ id, first_name: `Ann${id}`, last_name: `Lee${id}`, company: i % 2 ? `Blesta Co ${id}` : '', email: `ann${id}@b${id}.example`, status: i % 10 ? 'active' : 'inactive' });
      this.services.push({
        id: this.services.length + 1, client_id: id, status: 'active', name: `b${id}.example`,
        fields: [{ key: 'domain', value: `b${id}.example` }, { key: 'username', value: `bu${id}` }], module_row: { meta: { host_name: `cp${id % 7}.host.example` } },
      });
      if (i % 4 === 0) {
        this.services.push({ id: this.services.length + 1, client_id: id, status: 'suspended', name: 'VPS', fields: [{ key: 'username', value: `vps${id}` }], module_row: { meta: { host_name: `vps${id}.host.example` } } });
      }
    }
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(() => r(null)));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    this.calls.push({ path: url.pathname, query });
    const auth = req.headers.authorization ?? '';
    const [user, key] = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':') : [];
    if (user !== this.user || key !== this.key) {
      return this.json(res, 401, { message: 'The authorization details given appear to be invalid.', errors: { user: { valid: 'The API user or key appears to be invalid.' } }, response: null });
    }
    const page = <T>(items: T[]) => {
      const p = Math.max(1, Number(query.page ?? 1) || 1);
      return items.slice((p - 1) * PER_PAGE, p * PER_PAGE);
    };
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /api/clients/getList.json':
        return this.json(res, 200, { response: page(query.status ? this.clients.filter((c) => c.status === query.status) : this.clients) });
      case 'GET /api/clients/getListCount.json':
        return this.json(res, 200, { response: (query.status ? this.clients.filter((c) => c.status === query.status) : this.clients).length });
      case 'GET /api/services/getList.json':
        return this.json(res, 200, { response: page(this.services.filter((s) => s.status === (query.status ?? 'active') && (!query.client_id || String(s.client_id) === query.client_id))) });
      default:
        return this.json(res, 404, { message: 'The requested resource does not exist.', errors: null, response: null });
    }
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
