import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpError, badRequest, decodeCursor, encodeCursor, intParam, matches, parseFilter } from './fake-monarx-query';
import { FakeResource, FakeStore, GenBatch, Item, afterIndex, idOf, isRecord, lowerBound, materialize } from './fake-monarx-store';

// A Monarx partner API that follows the working shape in /work/shared/vendor-api.md. Its names are written out here
// on purpose, not imported from the adapter's api shape: the contract tests must fail when the two disagree.

export type RawRecord = Record<string, unknown>;
export type PageStyle = 'next-link' | 'page-number';

export interface FakeMonarxOptions {
  enterpriseId?: string;
  apiId?: string;
  apiKey?: string;
  pageStyle?: PageStyle;
  // The vendor has renamed filter fields before; this renames the field the filter and sort accept.
  filterFields?: Partial<Record<Exclude<FakeResource, 'agent'>, string>>;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  at: Date;
}

export interface GenerateSpec {
  agents?: number;
  files?: number;
  processes?: number;
  events?: number;
  start: Date;
  spacingMs: number;
}

type Fail = { remaining: number; status: number; after: number; retryAfterSeconds?: number; retryAfterDate?: Date };

const RECORD_TIME_FIELDS: Record<Exclude<FakeResource, 'agent'>, string> = {
  'agent-file': 'updated_at',
  'agent-process': 'created_at',
  event: 'created_at',
};
const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;

export class FakeMonarxServer {
  readonly enterpriseId: string;
  readonly apiId: string;
  readonly apiKey: string;
  pageStyle: PageStyle;
  requests: LoggedRequest[] = [];

  private readonly filterFields: Record<Exclude<FakeResource, 'agent'>, string>;
  private readonly stores: Record<FakeResource, FakeStore>;
  private server: Server | null = null;
  private baseUrl = '';
  private cursorEpoch = 1;
  private fail: Fail | null = null;
  private delay = { remaining: 0, ms: 0 };
  private duplicates = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(opts: FakeMonarxOptions = {}) {
    this.enterpriseId = opts.enterpriseId ?? 'ent-1';
    this.apiId = opts.apiId ?? 'test-api-id';
    this.apiKey = opts.apiKey ?? 'test-api-secret';
    this.pageStyle = opts.pageStyle ?? 'next-link';
    this.filterFields = { ...RECORD_TIME_FIELDS, ...opts.filterFields };
    this.stores = {
      agent: new FakeStore('agent', null),
      'agent-file': new FakeStore('agent-file', RECORD_TIME_FIELDS['agent-file']),
      'agent-process': new FakeStore('agent-process', RECORD_TIME_FIELDS['agent-process']),
      event: new FakeStore('event', RECORD_TIME_FIELDS.event),
    };
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections(); // keep-alive sockets from fetch would hold close() open
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  resetRequests(): void {
    this.requests = [];
  }

  // ---- data ----

  addAgents(agents: unknown[]): void {
    for (const a of agents) this.stores.agent.add(a);
  }

  // Accepts raw objects, so a test can add records the connector must reject (no id, bad timestamp, not an object).
  addFiles(files: unknown[]): void {
    for (const f of files) this.stores['agent-file'].add(f);
  }

  addProcesses(processes: unknown[]): void {
    for (const p of processes) this.stores['agent-process'].add(p);
  }

  addEvents(events: unknown[]): void {
    for (const e of events) this.stores.event.add(e);
  }

  // A remediation: patches the file and bumps updated_at past every stored record unless the patch sets it.
  updateFile(id: string, patch: RawRecord): RawRecord {
    const store = this.stores['agent-file'];
    const item = store.find(id);
    if (!item) throw new Error(`fake Monarx has no agent-file ${id}`);
    const current = materialize(item);
    const updatedAt = typeof patch.updated_at === 'string' ? patch.updated_at : new Date(Math.max(Date.now(), store.maxKey() + 1)).toISOString();
    const record: RawRecord = { ...(isRecord(current) ? current : {}), ...patch, updated_at: updatedAt };
    item.record = record;
    item.batch = null;
    const key = Date.parse(updatedAt);
    store.rekey(item, Number.isFinite(key) ? key : Date.now());
    return record;
  }

  // A record the connector must reject, placed at `at` in the vendor's order (default: now).
  invalidRecord(kind: 'missing-id' | 'bad-timestamp' | 'not-object', at: Date = new Date()): unknown {
    const iso = at.toISOString();
    const record =
      kind === 'missing-id'
        ? { agent_id: 'agent-x', path: '/home/bob/x.php', classification: 'malicious', created_at: iso, updated_at: iso }
        : kind === 'bad-timestamp'
          ? { id: `bad-${at.getTime()}`, path: '/home/bob/y.php', created_at: 'yesterday', updated_at: 'not a date' }
          : 'not an object';
    this.stores['agent-file'].add(record, at.getTime());
    return record;
  }

  generate(spec: GenerateSpec): { firstAt: Date; lastAt: Date } {
    const start = spec.start.getTime();
    const agentIds: string[] = [];
    for (let i = 0; i < (spec.agents ?? 0); i++) {
      const item = this.stores.agent.add(undefined);
      item.record = materialize({ ...item, batch: { resource: 'agent', agentIds } });
      agentIds.push(idOf(item) ?? '');
    }
    if (agentIds.length === 0) {
      for (const item of this.stores.agent.view()) {
        const id = idOf(item);
        if (id) agentIds.push(id);
      }
    }
    let count = 0;
    const fill = (resource: FakeResource, n: number | undefined): void => {
      const batch: GenBatch = { resource, agentIds };
      for (let i = 0; i < (n ?? 0); i++) this.stores[resource].addGenerated(start + i * spec.spacingMs, batch);
      count = Math.max(count, n ?? 0);
    };
    fill('agent-file', spec.files);
    fill('agent-process', spec.processes);
    fill('event', spec.events);
    return { firstAt: new Date(start), lastAt: new Date(start + Math.max(0, count - 1) * spec.spacingMs) };
  }

  // Every record of a resource as the API would serve it, in order (for benchmarks that need the same data).
  *snapshot(resource: FakeResource): Generator<unknown> {
    for (const item of this.stores[resource].view()) yield materialize(item);
  }

  // ---- faults; each is consumed by the next requests, whatever they ask for ----

  // `after`: let that many requests through first (a fault in the middle of a poll run).
  failNext(n: number, status: number, opts: { retryAfterSeconds?: number; retryAfterDate?: Date; after?: number } = {}): void {
    this.fail = n > 0 ? { remaining: n, status, ...opts, after: opts.after ?? 0 } : null;
  }

  delayNext(n: number, ms: number): void {
    this.delay = { remaining: n, ms };
  }

  // The next n pages that are not a first page also repeat the last record of the page before them.
  duplicateAcrossPages(n = 1): void {
    this.duplicates = n;
  }

  // Every next link handed out so far now answers 410.
  expireCursors(): void {
    this.cursorEpoch++;
  }

  // ---- HTTP ----

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers, at: new Date() });
    req.resume();

    if (this.delay.remaining > 0) {
      this.delay.remaining--;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.respond(req, url, res);
      }, this.delay.ms);
      this.timers.add(timer);
      return;
    }
    this.respond(req, url, res);
  }

  private respond(req: IncomingMessage, url: URL, res: ServerResponse): void {
    if (this.fail && this.fail.after > 0) this.fail.after--;
    else if (this.fail && this.fail.remaining > 0) {
      const { status, retryAfterSeconds, retryAfterDate } = this.fail;
      if (--this.fail.remaining === 0) this.fail = null;
      const extra: Record<string, string> = {};
      if (retryAfterSeconds !== undefined) extra['retry-after'] = String(retryAfterSeconds);
      if (retryAfterDate) extra['retry-after'] = retryAfterDate.toUTCString();
      const error = status === 429 ? 'too many requests' : status === 410 ? 'cursor expired' : 'internal server error';
      return send(res, status, { error }, extra);
    }
    if (req.headers['x-api-id'] !== this.apiId || req.headers['x-api-key'] !== this.apiKey) {
      return send(res, 401, { error: 'unauthorized', message: 'invalid x-api-id or x-api-key' });
    }
    const match = /^\/v1\/enterprise\/([^/]+)\/(agent|agent-file|agent-process|event)$/.exec(url.pathname);
    if (!match) return send(res, 404, { error: 'not found' });
    if (decodeURIComponent(match[1]) !== this.enterpriseId) return send(res, 404, { error: 'enterprise not found' });
    if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' });
    const resource = match[2] as FakeResource;
    try {
      send(res, 200, this.list(resource, url));
    } catch (err) {
      if (err instanceof HttpError) return send(res, err.status, err.body);
      throw err;
    }
  }

  private list(resource: FakeResource, url: URL): unknown {
    const params = url.searchParams;
    const field = resource === 'agent' ? null : this.filterFields[resource];
    const query = parseFilter(params.get('filter'), field);
    const sort = params.get('sort');
    if (sort !== null && (field === null || sort !== `${field},asc`)) throw badRequest(`unsupported sort: ${sort}`);
    const size = Math.min(MAX_PAGE_SIZE, intParam(params, 'size') ?? DEFAULT_PAGE_SIZE) || DEFAULT_PAGE_SIZE;

    const all = this.stores[resource].view();
    const from = query.bound === null ? 0 : lowerBound(all, query.bound);
    // Only equality filters need a copy; the common incremental poll stays a slice of the sorted array.
    const view = query.equals.length ? all.slice(from).filter((it) => matches(materialize(it), query.equals)) : all;
    const base = query.equals.length ? 0 : from;
    const total = view.length - base;

    let number: number;
    let start: number;
    const cursor = params.get('cursor');
    if (cursor !== null) {
      const c = decodeCursor(cursor);
      if (!c || c.r !== resource) throw badRequest('invalid cursor');
      if (c.e !== this.cursorEpoch) throw new HttpError(410, { error: 'cursor expired' });
      number = c.n;
      start = Math.max(base, afterIndex(view, c.k, c.s));
    } else {
      number = intParam(params, 'page') ?? 0;
      start = base + number * size;
    }
    const end = Math.min(view.length, start + size);
    const page: Item[] = view.slice(Math.min(start, end), end);
    if (this.duplicates > 0 && start > base && start < view.length) {
      this.duplicates--;
      page.unshift(view[start - 1]);
    }

    const links: Record<string, { href: string }> = { self: { href: this.href(url, {}) } };
    const last = page[page.length - 1];
    if (this.pageStyle === 'next-link' && end < view.length && last) {
      const token = encodeCursor({ r: resource, k: last.key, s: last.seq, n: number + 1, e: this.cursorEpoch });
      links.next = { href: this.href(url, { cursor: token, page: null }) };
    }
    return {
      _embedded: { items: page.map(materialize) },
      _links: links,
      page: { size, totalElements: total, totalPages: Math.ceil(total / size), number },
    };
  }

  private href(url: URL, set: Record<string, string | null>): string {
    const next = new URL(this.baseUrl + url.pathname.replace(/^\/v1/, '') + url.search);
    for (const [k, v] of Object.entries(set)) {
      if (v === null) next.searchParams.delete(k);
      else next.searchParams.set(k, v);
    }
    return next.href;
  }
}

// Put inside a record's string, this is served as bytes that are not UTF-8 (0xFF 0xFE), as a vendor that copies a
// file name's raw bytes into its JSON would.
export const INVALID_UTF8 = '\ue000not-utf8\ue000';

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return; // the client gave up (timeout test)
  const text = JSON.stringify(body);
  const parts = text.split(INVALID_UTF8);
  const bytes = parts.length === 1 ? Buffer.from(text) : Buffer.concat(parts.flatMap((p, i) => (i ? [Buffer.from([0xff, 0xfe]), Buffer.from(p)] : [Buffer.from(p)])));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length, ...headers });
  res.end(bytes);
}
