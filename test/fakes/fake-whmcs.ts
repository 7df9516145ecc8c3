import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

// A WHMCS classic API (POST /includes/api.php) as /work/shared/integrations.md §1 describes it: PHP form fields only
// (a JSON body reaches PHP as no fields at all), identifier + secret, an IP allow-list that answers 403 "Invalid IP"
// unless the accesskey is right, responsetype=json (else XML), HTTP 200 with result=error for every application
// error, values as strings and lists wrapped ({"clients": {"client": [...]}}). Faults on demand.

export interface WhmcsClient { id: number; firstname: string; lastname: string; companyname: string; email: string; status: 'Active' | 'Inactive' | 'Closed' }
export interface WhmcsProduct { id: number; clientid: number; domain: string; serverhostname: string; username: string; status: string }
export interface WhmcsDomain { id: number; userid: number; domainname: string; status: string }

export interface WhmcsTicket { id: number; tid: string; clientid: number; deptid: number; subject: string; message: string; priority: string; status: string; markdown: boolean; replies: { message: string; by: string; status: string | null }[] }
export interface WhmcsBillable { id: number; clientid: number; description: string; amount: string; invoiceaction: string; unit: string | null; quantity: string | null; hours: string | null }

const DEPARTMENTS = [1, 2];
const TICKET_STATUSES = ['Open', 'Answered', 'Customer-Reply', 'Closed', 'In Progress', 'On Hold'];
const INVOICE_ACTIONS = ['noinvoice', 'nextcron', 'nextinvoice', 'duedate', 'recur'];

export interface FakeWhmcsOptions {
  identifier?: string;
  secret?: string;
  accessKey?: string;
  allowedIp?: boolean; // false: this caller's IP is not on the allow-list (only the accesskey lets it in)
  billableUnits?: 'quantity' | 'hours'; // WHMCS 8 (unit + quantity) or older (hours)
}

export class FakeWhmcs {
  readonly clients: WhmcsClient[] = [];
  readonly products: WhmcsProduct[] = [];
  readonly domains: WhmcsDomain[] = [];
  readonly calls: { action: string; params: Record<string, string>; at: number }[] = [];
  readonly tickets: WhmcsTicket[] = [];
  readonly notes: { id: number; userid: number; notes: string; sticky: boolean }[] = [];
  readonly billables: WhmcsBillable[] = [];
  readonly notifications: { identifier: string; title: string; message: string; url: string | null; statusStyle: string | null; attributes: Record<string, string>[] }[] = [];
  readonly emails: { customtype: string; subject: string; message: string; id: number }[] = [];
  takeThenStall = new Set<string>(); // the next request for each action listed is carried out, and then never answered
  refuseNext = new Map<string, string>(); // the next request for the action gets result=error with this message (HTTP 200)
  delayMs = 0; // every answer waits this long (a billing system's page time)
  maintenance = 0; // the next N requests get the HTML maintenance page, with HTTP 200
  failures = 0; // the next N requests get a 500
  stallAfter: { action: string; from: number } | null = null; // requests for that action from that limitstart on never answer
  private readonly open = new Set<ServerResponse>();

  private constructor(private readonly server: Server, readonly opts: Required<FakeWhmcsOptions>) {}

  static async start(opts: FakeWhmcsOptions = {}): Promise<FakeWhmcs> {
    let self: FakeWhmcs | null = null;
    const server = createServer((req, res) => void self!.handle(req, res));
    self = new FakeWhmcs(server, { identifier: 'whmcs-id', secret: 'whmcs-secret', accessKey: '', allowedIp: true, billableUnits: 'quantity', ...opts });
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
    const refusal = this.refuseNext.get(p.action ?? '');
    if (refusal !== undefined) {
      this.refuseNext.delete(p.action);
      return this.json(res, 200, { result: 'error', message: refusal });
    }
    const answer = this.answer(p);
    if (this.takeThenStall.delete(p.action ?? '')) return void this.open.add(res);
    return this.json(res, 200, answer);
  }

  // The answer to one authenticated JSON request; what it creates is kept (tickets, notes, billable items, ...).
  private answer(p: Record<string, string>): Record<string, unknown> {
    const error = (message: string) => ({ result: 'error', message });
    const page = <T>(items: T[]) => {
      const start = Math.max(0, Number(p.limitstart ?? 0) || 0);
      const num = Math.max(1, Number(p.limitnum ?? 25) || 25);
      const slice = items.slice(start, start + num);
      return { totalresults: String(items.length), startnumber: String(start), numreturned: String(slice.length), slice };
    };
    const strings = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v !== 'object').map(([k, v]) => [k, String(v)]));
    const bool = (v: string | undefined) => v === '1' || v === 'true';
    const client = (v: string | undefined) => this.clients.find((c) => String(c.id) === v);
    switch (p.action) {
      case 'GetClients': {
        const { slice, ...meta } = page(this.clients);
        return { result: 'success', ...meta, clients: { client: slice.map(strings) } };
      }
      case 'GetClientsProducts': {
        const { slice, ...meta } = page(this.products.filter((x) => (!p.domain || x.domain === p.domain) && (!p.clientid || String(x.clientid) === p.clientid)));
        return { result: 'success', ...meta, products: { product: slice.map((x) => ({ ...strings(x), pid: '1', name: 'Shared Hosting', servername: 'Web', serverip: '192.0.2.10' })) } };
      }
      case 'GetClientsDomains': {
        const { slice, ...meta } = page(this.domains.filter((x) => (!p.domain || x.domainname === p.domain) && (!p.clientid || String(x.userid) === p.clientid)));
        return { result: 'success', ...meta, domains: { domain: slice.map(strings) } };
      }
      case 'GetClientsDetails': {
        if (!p.clientid && !p.email) return error('Either clientid Or email Is Required');
        const c = p.clientid ? client(p.clientid) : this.clients.find((x) => x.email === p.email);
        return c ? { result: 'success', client: strings(c) } : error('Client Not Found');
      }
      case 'OpenTicket': {
        if (!DEPARTMENTS.includes(Number(p.deptid))) return error('Department ID not found');
        if (!p.subject) return error('Subject is required');
        if (!p.message) return error('Message is required');
        if (!p.clientid && !(p.name && p.email)) return error('Name and email address are required if not a client');
        if (p.clientid && !client(p.clientid)) return error('Client ID Not Found');
        if (p.priority && !['Low', 'Medium', 'High'].includes(p.priority)) return error('Invalid Priority');
        const t: WhmcsTicket = {
          id: this.tickets.length + 1, tid: String(516700 + this.tickets.length + 1), clientid: Number(p.clientid), deptid: Number(p.deptid), subject: p.subject,
          message: p.message, priority: p.priority ?? 'Medium', status: 'Open', markdown: bool(p.markdown), replies: [],
        };
        this.tickets.push(t);
        return { result: 'success', id: String(t.id), tid: t.tid, c: 'KPqH7yG3' };
      }
      case 'GetTickets': {
        const found = this.tickets.filter((t) => (!p.clientid || String(t.clientid) === p.clientid) && (!p.subject || t.subject.includes(p.subject)));
        const { slice, ...meta } = page(found);
        return { result: 'success', ...meta, tickets: { ticket: slice.map((t) => ({ ...strings(t), replies: undefined })) } };
      }
      case 'AddTicketReply': {
        const t = this.tickets.find((x) => String(x.id) === p.ticketid);
        if (!t) return error('Ticket ID not found');
        if (!p.message) return error('Message is required');
        if (!p.clientid && !p.adminusername && !(p.name && p.email)) return error('Name and email address are required if not a client');
        if (p.clientid && String(t.clientid) !== p.clientid) return error('Client ID Not Found');
        if (p.status && !TICKET_STATUSES.includes(p.status)) return error('Invalid Ticket Status');
        t.replies.push({ message: p.message, by: p.adminusername ? `admin:${p.adminusername}` : `client:${p.clientid ?? p.email}`, status: p.status ?? null });
        if (p.status) t.status = p.status;
        return { result: 'success' };
      }
      case 'AddClientNote': {
        if (!client(p.userid)) return error('Client ID not found');
        if (!p.notes) return error('Notes can not be empty');
        const note = { id: this.notes.length + 1, userid: Number(p.userid), notes: p.notes, sticky: bool(p.sticky) };
        this.notes.push(note);
        return { result: 'success', noteid: String(note.id) };
      }
      case 'AddBillableItem': {
        if (!client(p.clientid)) return error('Client ID not Found');
        if (!p.description) return error('You must provide a description');
        if (!p.amount || !/^\d+(\.\d+)?$/.test(p.amount)) return error('Amount is required');
        if (p.invoiceaction && !INVOICE_ACTIONS.includes(p.invoiceaction)) return error('Invalid Invoice Action');
        if (p.invoiceaction === 'duedate' && !p.duedate) return error('Due date is required');
        // WHMCS 8 requires unit (hours|quantity); older versions know only hours
        if (this.opts.billableUnits === 'quantity' && !['hours', 'quantity'].includes(p.unit ?? '')) return error('A valid unit is required');
        const b: WhmcsBillable = {
          id: this.billables.length + 1, clientid: Number(p.clientid), description: p.description, amount: p.amount, invoiceaction: p.invoiceaction ?? 'noinvoice',
          unit: this.opts.billableUnits === 'quantity' ? p.unit : null, quantity: this.opts.billableUnits === 'quantity' ? (p.quantity ?? '0') : null, hours: p.hours ?? null,
        };
        this.billables.push(b);
        return { result: 'success', billableid: String(b.id) };
      }
      case 'TriggerNotificationEvent': {
        if (!p.notification_identifier) return error('API Notification Events require a identifier string to be passed.');
        if (!p.title) return error('API Notification Events require a title to be provided.');
        if (!p.message) return error('API Notification Events require a message to be provided.');
        const attributes: Record<string, string>[] = [];
        for (const [k, v] of Object.entries(p)) {
          const m = k.match(/^attributes\[(\d+)\]\[(label|value|url|style|icon)\]$/);
          if (m) (attributes[Number(m[1])] ??= {})[m[2]] = v;
          else if (k.startsWith('attributes')) return error(`Invalid attribute field ${k}`);
        }
        if (attributes.some((a) => !a || !a.label || a.value === undefined)) return error('Each attribute requires a label and a value');
        if (p.statusStyle && !['success', 'danger', 'info'].includes(p.statusStyle)) return error('Invalid status style');
        this.notifications.push({ identifier: p.notification_identifier, title: p.title, message: p.message, url: p.url ?? null, statusStyle: p.statusStyle ?? null, attributes });
        return { result: 'success' };
      }
      case 'SendEmail': {
        if (!p.messagename && !p.customtype) return error('You must provide either an existing email template name or a custom message type');
        if (!['general', 'product', 'domain', 'invoice', 'support', 'affiliate'].includes(p.customtype)) return error('Invalid message type provided');
        if (!p.customsubject) return error('A subject is required for a custom message');
        if (!p.custommessage) return error('A message body is required for a custom message');
        if (!p.id) return error('A related ID is required');
        if (!client(p.id)) return error('Client ID Not Found');
        this.emails.push({ customtype: p.customtype, subject: p.customsubject, message: p.custommessage, id: Number(p.id) });
        return { result: 'success' };
      }
      default:
        return error(p.action ? 'Command Not Found' : 'No action specified');
    }
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    this.send(res, status, 'application/json', JSON.stringify(body));
  }

  private send(res: ServerResponse, status: number, type: string, body: string): void {
    if (!res.destroyed) res.writeHead(status, { 'content-type': type }).end(body);
  }
}
