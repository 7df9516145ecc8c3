import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

// A Blesta API (/api/{model}/{method}.json) as /work/shared/integrations.md §2 describes it: HTTP Basic only (a wrong
// user or key is 401 with Blesta's error envelope), {"response": …} on success, 404 for an unknown model or method,
// lists a page at a time (`page`, 20 per page, as Blesta's default results_per_page) and an empty list past the end.

export interface BlestaClient { id: number; first_name: string; last_name: string; company: string; email: string; status: 'active' | 'inactive' | 'fraud' }
export interface BlestaService { id: number; client_id: number; status: string; name: string; fields: { key: string; value: string }[]; module_row: { meta: { host_name: string } } }

export interface BlestaTicket { id: number; department_id: number; client_id: number; summary: string; priority: string; status: string; replies: { id: number; details: string; type: string; by: string }[] }
export interface BlestaInvoice { id: number; client_id: number; currency: string; status: string; date_billed: string; date_due: string; note_private: string | null; lines: { description: string; qty: string; amount: string }[] }

const PER_PAGE = 20;
const DEPARTMENTS = [1, 2];
const PRIORITIES = ['emergency', 'critical', 'high', 'medium', 'low'];
const STATUSES = ['open', 'awaiting_reply', 'in_progress', 'on_hold', 'closed', 'trash'];

// PHP's reading of a form body: `vars[lines][0][qty]=1` becomes { vars: { lines: { 0: { qty: '1' } } } }.
export function phpParse(body: string): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const parts = [name.replace(/\[.*$/, ''), ...[...name.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1])];
    let at = out;
    parts.forEach((k, i) => {
      if (i === parts.length - 1) at[k] = value;
      else at = at[k] = typeof at[k] === 'object' ? at[k] : {};
    });
  }
  return out;
}

export class FakeBlesta {
  readonly clients: BlestaClient[] = [];
  readonly services: BlestaService[] = [];
  readonly calls: { path: string; query: Record<string, string>; body?: Record<string, any> }[] = [];
  readonly tickets: BlestaTicket[] = [];
  readonly notes: { id: number; client_id: number; title: string; description: string; stickied: boolean }[] = [];
  readonly invoices: BlestaInvoice[] = [];
  takeThenStall = new Set<string>(); // 'model/method': the next such request is carried out, then never answered
  failures = 0; // the next N requests get a 500 with Blesta's envelope
  private readonly open = new Set<ServerResponse>();

  private constructor(private readonly server: Server, readonly user: string, readonly key: string) {}

  static async start(user = 'hostdigest', key = 'blesta-key-123'): Promise<FakeBlesta> {
    let self: FakeBlesta | null = null;
    const server = createServer((req, res) => void self!.handle(req, res));
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

  count(path: string): number {
    return this.calls.filter((c) => c.path === path).length;
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
    const query = Object.fromEntries(url.searchParams);
    // POST fields are read from $_POST only: a form body; JSON reaches PHP as no fields at all
    const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const body = req.method === 'POST' && form ? phpParse(Buffer.concat(chunks).toString('utf8')) : req.method === 'GET' ? phpParse(url.search.slice(1)) : {};
    this.calls.push({ path: url.pathname, query, body: req.method === 'POST' ? body : undefined });
    const auth = req.headers.authorization ?? '';
    const [user, key] = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':') : [];
    if (user !== this.user || key !== this.key) {
      return this.json(res, 401, { message: 'The authorization details given appear to be invalid.', errors: { user: { valid: 'The API user or key appears to be invalid.' } }, response: null });
    }
    if (this.failures > 0) {
      this.failures--;
      return this.json(res, 500, { message: 'An unexpected error occured.', response: 'SQLSTATE[HY000]: General error' });
    }
    const [status, answer] = this.answer(`${req.method} ${url.pathname}`, query, body);
    const short = url.pathname.replace(/^\/api\//, '').replace(/\.json$/, '');
    if (this.takeThenStall.delete(short)) return void this.open.add(res);
    return this.json(res, status, answer);
  }

  private answer(route: string, query: Record<string, string>, b: Record<string, any>): [number, unknown] {
    const page = <T>(items: T[]) => {
      const p = Math.max(1, Number(query.page ?? 1) || 1);
      return items.slice((p - 1) * PER_PAGE, p * PER_PAGE);
    };
    const ok = (response: unknown): [number, unknown] => [200, { response }];
    const invalid = (errors: Record<string, Record<string, string>>): [number, unknown] => [400, { message: 'The request cannot be fulfilled due to bad syntax.', errors, response: null }];
    const client = (id: unknown) => this.clients.find((c) => String(c.id) === String(id));
    const vars = (b.vars ?? {}) as Record<string, any>;
    switch (route) {
      case 'GET /api/clients/getList.json': {
        const email = b.filters?.contact_email as string | undefined;
        const found = this.clients.filter((c) => (!query.status || c.status === query.status) && (!email || c.email.includes(email)));
        return ok(page(found).map((c) => ({ ...c, id: String(c.id) })));
      }
      case 'GET /api/clients/getListCount.json':
        return ok((query.status ? this.clients.filter((c) => c.status === query.status) : this.clients).length);
      case 'GET /api/services/getList.json':
        return ok(page(this.services.filter((s) => s.status === (query.status ?? 'active') && (!query.client_id || String(s.client_id) === query.client_id))));
      case 'POST /api/clients/addNote.json': {
        if (!client(b.client_id)) return invalid({ client_id: { exists: 'Invalid client ID.' } });
        if (!vars.title) return invalid({ title: { empty: 'Please enter a title.' } });
        if (String(vars.title).length > 255) return invalid({ title: { length: 'The title may not exceed 255 characters.' } });
        const note = { id: this.notes.length + 1, client_id: Number(b.client_id), title: vars.title, description: vars.description ?? '', stickied: vars.stickied === '1' };
        this.notes.push(note);
        return ok(String(note.id));
      }
      case 'POST /api/support_manager.support_manager_tickets/add.json': {
        if (!DEPARTMENTS.includes(Number(vars.department_id))) return invalid({ department_id: { exists: 'Please select a valid department.' } });
        if (!vars.summary) return invalid({ summary: { empty: 'Please enter a summary.' } });
        if (String(vars.summary).length > 255) return invalid({ summary: { length: 'The summary may not exceed 255 characters.' } });
        if (vars.client_id !== undefined && !client(vars.client_id)) return invalid({ client_id: { exists: 'Invalid client ID.' } });
        if (vars.priority && !PRIORITIES.includes(vars.priority)) return invalid({ priority: { format: 'Invalid priority.' } });
        if (vars.status && !STATUSES.includes(vars.status)) return invalid({ status: { format: 'Invalid status.' } });
        const t: BlestaTicket = { id: this.tickets.length + 1, department_id: Number(vars.department_id), client_id: Number(vars.client_id), summary: vars.summary, priority: vars.priority ?? 'low', status: vars.status ?? 'open', replies: [] };
        this.tickets.push(t);
        return ok(String(t.id));
      }
      case 'POST /api/support_manager.support_manager_tickets/addReply.json': {
        const t = this.tickets.find((x) => String(x.id) === String(b.ticket_id));
        if (!t) return invalid({ ticket_id: { exists: 'Invalid ticket ID.' } });
        if (!vars.details) return invalid({ details: { empty: 'Please enter some details.' } });
        if (!['reply', 'note', 'log'].includes(vars.type ?? 'reply')) return invalid({ type: { format: 'Invalid reply type.' } });
        if (!vars.staff_id && !vars.client_id) return invalid({ client_id: { empty: 'A client or staff member is required.' } });
        const reply = { id: this.tickets.reduce((n, x) => n + x.replies.length, 0) + 1, details: vars.details, type: vars.type ?? 'reply', by: vars.staff_id ? `staff:${vars.staff_id}` : `client:${vars.client_id}` };
        t.replies.push(reply);
        return ok(String(reply.id));
      }
      case 'POST /api/support_manager.support_manager_tickets/edit.json': {
        const t = this.tickets.find((x) => String(x.id) === String(b.ticket_id));
        if (!t) return invalid({ ticket_id: { exists: 'Invalid ticket ID.' } });
        if (vars.status && !STATUSES.includes(vars.status)) return invalid({ status: { format: 'Invalid status.' } });
        if (vars.status) t.status = vars.status;
        return ok({ ...t, id: String(t.id), replies: undefined });
      }
      case 'GET /api/support_manager.support_manager_tickets/getList.json':
        return ok(page(this.tickets.filter((t) => (!query.status || t.status === query.status) && (!query.client_id || String(t.client_id) === query.client_id)))
          .map((t) => ({ id: String(t.id), summary: t.summary, status: t.status, client_id: String(t.client_id) })));
      case 'POST /api/invoices/add.json': {
        if (!client(vars.client_id)) return invalid({ client_id: { exists: 'Invalid client ID.' } });
        if (!/^[A-Z]{3}$/.test(vars.currency ?? '')) return invalid({ currency: { length: 'Invalid currency.' } });
        if (!['active', 'draft', 'proforma', 'void'].includes(vars.status ?? 'active')) return invalid({ status: { format: 'Invalid status.' } });
        const lines = Object.values((vars.lines ?? {}) as Record<string, any>);
        if (!lines.length) return invalid({ lines: { count: 'At least one line item is required.' } });
        if (lines.some((l) => !l.description || !(Number(l.qty) >= 1) || !/^\d+(\.\d+)?$/.test(l.amount ?? ''))) return invalid({ lines: { format: 'Each line needs a description, a quantity of at least 1 and an amount.' } });
        const inv: BlestaInvoice = {
          id: this.invoices.length + 1, client_id: Number(vars.client_id), currency: vars.currency, status: vars.status ?? 'active', date_billed: vars.date_billed, date_due: vars.date_due,
          note_private: vars.note_private ?? null, lines: lines.map((l) => ({ description: l.description, qty: l.qty, amount: l.amount })),
        };
        this.invoices.push(inv);
        return ok(String(inv.id));
      }
      default:
        return [404, { message: 'The requested resource does not exist.', errors: null, response: null }];
    }
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
