import { MONARX_API_SHAPE, resolveMonarxApiShape } from '../src/vendors/monarx/monarx-api-shape';
import { HttpRequester, MonarxClient, MonarxClientOptions, errorFor } from '../src/vendors/monarx/monarx-client';
import { normalizeMonarxRecord } from '../src/vendors/monarx/monarx-normalize';
import {
  VendorAuthError,
  VendorContractError,
  VendorCursorExpiredError,
  VendorNotFoundError,
  VendorRateLimitError,
  VendorTransientError,
} from '../src/vendors/vendor-errors';
import { FakeMonarxOptions, FakeMonarxServer } from './fakes/fake-monarx-server';

// The real client against the real fake over HTTP; the requester is the smallest thing that satisfies the port.
const fetchRequester: HttpRequester = {
  async request(req) {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: req.timeoutMs ? AbortSignal.timeout(req.timeoutMs) : undefined,
    });
    return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
  },
};

const T0 = Date.parse('2025-03-01T00:00:00Z');
const iso = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
const fileAt = (n: number) => ({ id: `f-${n}`, agent_id: 'a-1', path: `/home/u${n}/x.php`, created_at: iso(n), updated_at: iso(n) });

let fake: FakeMonarxServer;
let baseUrl: string;

async function startFake(opts: FakeMonarxOptions = {}): Promise<void> {
  fake = new FakeMonarxServer({ enterpriseId: 'ent-1', apiId: 'id-1', apiKey: 'secret-1', ...opts });
  baseUrl = await fake.start();
}

function client(over: Partial<MonarxClientOptions> = {}): MonarxClient {
  return new MonarxClient(fetchRequester, { baseUrl, enterpriseId: 'ent-1', apiId: 'id-1', apiKey: 'secret-1', timeoutMs: 2000, ...over });
}

async function collect(c: MonarxClient, resource: Parameters<MonarxClient['pages']>[0], since: string | null, pageSize?: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const page of c.pages(resource, since, pageSize)) out.push(...page.items);
  return out;
}

const ids = (items: unknown[]): string[] => items.map((i) => String((i as { id: unknown }).id));

afterEach(async () => {
  await fake.stop();
});

describe('MonarxClient against the fake Monarx API', () => {
  it('sends the documented auth headers on the documented path', async () => {
    await startFake();
    fake.addFiles([fileAt(1)]);
    await collect(client(), 'agent-file', iso(0));
    expect(fake.requests).toHaveLength(1);
    const [req] = fake.requests;
    expect(req.path).toBe('/v1/enterprise/ent-1/agent-file');
    expect(req.headers).toMatchObject({ 'x-api-id': 'id-1', 'x-api-key': 'secret-1', accept: 'application/json' });
    expect(req.query).toEqual({ filter: `updated_at=ge=${iso(0)}`, sort: 'updated_at,asc', page: '0', size: '100' });
  });

  it('filters processes and events on created_at and lists agents unfiltered', async () => {
    await startFake();
    const c = client();
    await collect(c, 'agent-process', iso(0));
    await collect(c, 'event', iso(0));
    await c.listAgents();
    expect(fake.requests.map((r) => [r.path, r.query.filter, r.query.sort])).toEqual([
      ['/v1/enterprise/ent-1/agent-process', `created_at=ge=${iso(0)}`, 'created_at,asc'],
      ['/v1/enterprise/ent-1/event', `created_at=ge=${iso(0)}`, 'created_at,asc'],
      ['/v1/enterprise/ent-1/agent', undefined, undefined],
    ]);
  });

  it('turns a wrong secret into VendorAuthError that says what to check', async () => {
    await startFake();
    const err = await client({ apiKey: 'wrong' }).checkCredentials().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorAuthError);
    expect(err).toMatchObject({ status: 401, retryable: false });
    expect((err as Error).message).toMatch(/API id and API secret/);
  });

  it('checks credentials with one agent', async () => {
    await startFake();
    await client().checkCredentials();
    expect(fake.requests.map((r) => [r.path, r.query.size])).toEqual([['/v1/enterprise/ent-1/agent', '1']]);
  });

  it('turns an unknown enterprise into VendorNotFoundError', async () => {
    await startFake();
    const err = await client({ enterpriseId: 'nope' }).listAgents().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorNotFoundError);
    expect((err as Error).message).toMatch(/enterprise id/);
  });

  describe.each(['next-link', 'page-number'] as const)('paging by %s', (pageStyle) => {
    it('returns every record exactly once, in ascending order', async () => {
      await startFake({ pageStyle });
      const order = Array.from({ length: 250 }, (_, i) => i).sort((a, b) => ((a * 7919) % 250) - ((b * 7919) % 250));
      fake.addFiles(order.map(fileAt)); // inserted shuffled; the vendor sorts
      const items = await collect(client(), 'agent-file', null);
      expect(ids(items)).toEqual(Array.from({ length: 250 }, (_, i) => `f-${i}`));
      expect(fake.requests).toHaveLength(3);
      expect(fake.requests.some((r) => 'cursor' in r.query)).toBe(pageStyle === 'next-link');
    });

    it('starts at the high-water mark, inclusive', async () => {
      await startFake({ pageStyle });
      fake.addFiles(Array.from({ length: 30 }, (_, i) => fileAt(i)));
      expect(ids(await collect(client(), 'agent-file', iso(25), 2))).toEqual(['f-25', 'f-26', 'f-27', 'f-28', 'f-29']);
    });

    it('passes a record repeated across a page boundary through (dedupe is by id, downstream)', async () => {
      await startFake({ pageStyle });
      fake.addFiles(Array.from({ length: 6 }, (_, i) => fileAt(i)));
      fake.duplicateAcrossPages(1);
      expect(ids(await collect(client(), 'agent-file', null, 3))).toEqual(['f-0', 'f-1', 'f-2', 'f-2', 'f-3', 'f-4', 'f-5']);
    });

    it('lists agents across pages', async () => {
      await startFake({ pageStyle });
      fake.generate({ agents: 130, start: new Date(T0), spacingMs: 1000 });
      const agents = await client().listAgents();
      expect(agents).toHaveLength(130);
      expect(new Set(ids(agents)).size).toBe(130);
    });
  });

  it('carries Retry-After seconds on 429', async () => {
    await startFake();
    fake.failNext(1, 429, { retryAfterSeconds: 7 });
    const err = await collect(client(), 'agent-file', null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorRateLimitError);
    expect(err).toMatchObject({ retryAfterMs: 7000, retryable: true });
    await expect(collect(client(), 'agent-file', null)).resolves.toEqual([]); // one-shot
  });

  it('carries a Retry-After HTTP-date on 429', async () => {
    await startFake();
    fake.failNext(1, 429, { retryAfterDate: new Date(Date.now() + 60_000) });
    const err = (await collect(client(), 'agent-file', null).catch((e: unknown) => e)) as VendorRateLimitError;
    expect(err).toBeInstanceOf(VendorRateLimitError);
    expect(err.retryAfterMs).toBeGreaterThan(55_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('turns a 5xx burst into VendorTransientError, one request each', async () => {
    await startFake();
    fake.failNext(2, 503);
    for (let i = 0; i < 2; i++) {
      await expect(collect(client(), 'event', null)).rejects.toMatchObject({ constructor: VendorTransientError, status: 503 });
    }
    await expect(collect(client(), 'event', null)).resolves.toEqual([]);
  });

  it('turns a timeout into VendorTransientError', async () => {
    await startFake();
    fake.delayNext(1, 1000);
    const err = await collect(client({ timeoutMs: 100 }), 'event', null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorTransientError);
  });

  it('fails a scan whose cursor expired, and a restart from the high-water mark completes it', async () => {
    await startFake({ pageStyle: 'next-link' });
    fake.addFiles(Array.from({ length: 10 }, (_, i) => fileAt(i)));
    const seen: string[] = [];
    const scan = client().pages('agent-file', null, 4);
    const first = await scan.next();
    seen.push(...ids(first.done ? [] : first.value.items));
    fake.expireCursors();
    await expect(scan.next()).rejects.toBeInstanceOf(VendorCursorExpiredError);
    seen.push(...ids(await collect(client(), 'agent-file', iso(3), 4)));
    expect([...new Set(seen)]).toEqual(Array.from({ length: 10 }, (_, i) => `f-${i}`));
  });

  it('serves invalid records as they are, for the normalizer to reject', async () => {
    await startFake();
    fake.addFiles([fileAt(1)]);
    fake.invalidRecord('missing-id', new Date(T0 + 2 * 60_000));
    fake.invalidRecord('bad-timestamp', new Date(T0 + 3 * 60_000));
    const items = await collect(client(), 'agent-file', iso(0));
    const results = items.map((raw) => normalizeMonarxRecord('agent-file', raw, { agentHosts: new Map() }));
    expect(results.map((r) => (r.ok ? 'ok' : r.rejected.reason))).toEqual([
      'ok',
      'record has no id',
      'created_at is not a timestamp: "yesterday"',
    ]);
  });

  it('returns a remediated file again after its update, and late records only to an overlapping poll', async () => {
    await startFake();
    fake.addFiles([fileAt(1), fileAt(2)]);
    fake.updateFile('f-1', { status: 'cleaned' });
    fake.addFiles([fileAt(0)]); // late: older than what was already served
    const items = (await collect(client(), 'agent-file', iso(2))) as { id: string; status?: string }[];
    expect(items.map((i) => [i.id, i.status])).toEqual([
      ['f-2', undefined],
      ['f-1', 'cleaned'],
    ]);
    expect(ids(await collect(client(), 'agent-file', iso(-5)))).toEqual(['f-0', 'f-2', 'f-1']);
  });

  it('pages 200,000 generated records by binary search, not by scanning', async () => {
    await startFake();
    const startedAt = Date.now();
    const { lastAt } = fake.generate({ agents: 20, files: 200_000, processes: 1000, events: 1000, start: new Date(T0), spacingMs: 1000 });
    const since = new Date(lastAt.getTime() - 249_000).toISOString();
    const items = await collect(client(), 'agent-file', since);
    expect(items).toHaveLength(250);
    expect((items[0] as { updated_at: string }).updated_at).toBe(since);
    expect(Date.now() - startedAt).toBeLessThan(3000);
  });
});

describe('contract: the api shape is what goes on the wire', () => {
  it('sends a renamed filter field from an override, where the default one is refused', async () => {
    await startFake({ filterFields: { 'agent-file': 'modified_at' } });
    fake.addFiles([fileAt(1)]);

    const stale = await collect(client(), 'agent-file', iso(0)).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(VendorContractError);
    expect((stale as Error).message).toMatch(/unknown filter field: updated_at/);

    const shape = resolveMonarxApiShape({ resources: { 'agent-file': { sinceField: 'modified_at', sortField: 'modified_at' } } });
    fake.resetRequests();
    expect(ids(await collect(client({ shape }), 'agent-file', iso(0)))).toEqual(['f-1']);
    expect(fake.requests[0].query).toMatchObject({ filter: `modified_at=ge=${iso(0)}`, sort: 'modified_at,asc' });
  });

  it('sends renamed headers, parameters and paths from an override', async () => {
    await startFake();
    const shape = resolveMonarxApiShape({ headers: { apiKey: 'x-api-secret' }, query: { size: 'limit' }, resources: { event: { path: 'events' } } });
    await collect(client({ shape }), 'event', null).catch(() => undefined);
    expect(fake.requests[0].path).toBe('/v1/enterprise/ent-1/events');
    expect(fake.requests[0].query).toHaveProperty('limit', '100');
    expect(fake.requests[0].headers).toHaveProperty('x-api-secret', 'secret-1');
  });

  it('rejects an override naming a setting that does not exist', () => {
    expect(() => resolveMonarxApiShape({ resources: { 'agent-file': { sinceFeild: 'x' } } })).toThrow(
      'monarx.resources.agent-file.sinceFeild is not a Monarx API setting',
    );
    expect(() => resolveMonarxApiShape({ pageSize: '100' })).toThrow('monarx.pageSize must be an integer of at least 1');
    expect(() => resolveMonarxApiShape({ pageSize: 0 })).toThrow('monarx.pageSize must be an integer of at least 1');
    expect(() => resolveMonarxApiShape({ toString: 'x' })).toThrow('monarx.toString is not a Monarx API setting');
    expect(MONARX_API_SHAPE.resources['agent-file'].sinceField).toBe('updated_at'); // defaults untouched
  });
});

describe('MonarxClient with a scripted requester', () => {
  const scripted = (body: unknown): HttpRequester => ({
    request: async () => ({ status: 200, headers: {}, body: JSON.stringify(body) }),
  });
  const opts = { baseUrl: 'https://api.monarx.test/v1', enterpriseId: 'e', apiId: 'i', apiKey: 'k' };

  it('refuses to send credentials to a next link on another host', async () => {
    const c = new MonarxClient(scripted({ _embedded: { items: [1] }, _links: { next: { href: 'https://evil.test/v1/x' } } }), opts);
    const scan = c.pages('event', null);
    await scan.next();
    await expect(scan.next()).rejects.toThrow(/another host/);
  });

  it('reads an empty page without _embedded, as Spring HAL sends it', async () => {
    const c = new MonarxClient(scripted({ page: { size: 100, totalElements: 0, totalPages: 0, number: 0 } }), opts);
    const pages = [];
    for await (const p of c.pages('event', null)) pages.push(p);
    expect(pages).toEqual([{ items: [] }]);
  });

  it('names the envelope key that is missing', async () => {
    const c = new MonarxClient(scripted({ _embedded: { agents: [] } }), opts);
    await expect(c.listAgents()).rejects.toThrow('Monarx _embedded.items is missing; it holds agents');
  });
});

describe('errorFor', () => {
  const url = 'https://api.monarx.test/v1/enterprise/e/event?filter=x';

  it.each([
    [401, false, VendorAuthError],
    [403, false, VendorAuthError],
    [404, false, VendorNotFoundError],
    [429, false, VendorRateLimitError],
    [500, false, VendorTransientError],
    [502, true, VendorTransientError],
    [410, true, VendorCursorExpiredError],
    [410, false, VendorContractError],
    [400, false, VendorContractError],
    [422, true, VendorContractError],
  ])('maps HTTP %i (next link: %p) to %p', (status, viaNextLink, type) => {
    expect(errorFor(status, {}, '{}', url, viaNextLink)).toBeInstanceOf(type);
  });

  it('treats a 400 that mentions the cursor on a next link as an expired cursor', () => {
    expect(errorFor(400, {}, '{"error":"Invalid cursor"}', url, true)).toBeInstanceOf(VendorCursorExpiredError);
  });

  it('keeps the query string out of messages', () => {
    expect(errorFor(400, {}, 'bad', url, false).message).not.toContain('filter=');
  });

  it('reads Retry-After whatever its header case', () => {
    expect(errorFor(429, { 'Retry-After': '12' }, '', url, false)).toMatchObject({ retryAfterMs: 12_000 });
  });
});

describe('MonarxClient with a failing requester', () => {
  const failing = (err: unknown): HttpRequester => ({ request: async () => Promise.reject(err) });
  const opts = { baseUrl: 'https://api.monarx.test/v1', enterpriseId: 'e', apiId: 'i', apiKey: 'k' };

  it('does not retry a destination the outbound client refuses', async () => {
    const refused = Object.assign(new Error('api.monarx.test resolves to a private address'), { code: 'blocked_destination' });
    await expect(new MonarxClient(failing(refused), opts).listAgents()).rejects.toBeInstanceOf(VendorContractError);
  });

  it('retries network failures', async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'network' });
    await expect(new MonarxClient(failing(reset), opts).listAgents()).rejects.toMatchObject({ retryable: true, cause: reset });
  });
});
