import { loadConfig } from '../src/config/app-config';
import { HttpClient } from '../src/http/http-client';
import { MonarxConnector, MonarxCursor } from '../src/vendors/monarx/monarx-connector';
import { ConnectorAccount, ConnectorPage, PollCursor } from '../src/vendors/vendor-connector';
import { VendorAuthError, VendorContractError, VendorCursorExpiredError, VendorRateLimitError, VendorTransientError } from '../src/vendors/vendor-errors';
import { FakeMonarxOptions, FakeMonarxServer } from './fakes/fake-monarx-server';

// The real connector and the real outbound client against the fake Monarx API over HTTP.
const T0 = Date.parse('2025-03-01T00:00:00Z');
const NOW = new Date(T0 + 24 * 3600_000);
const iso = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

const file = (n: number, over: Record<string, unknown> = {}) => ({
  id: `f-${n}`,
  agent_id: 'a-1',
  path: `/home/u${n}/public_html/x${n}.php`,
  sha256: 'ab'.repeat(32),
  classification: 'malicious',
  status: 'detected',
  created_at: iso(2 * n),
  updated_at: iso(2 * n),
  ...over,
});
const proc = (n: number) => ({ id: `p-${n}`, agent_id: 'a-2', pid: 100 + n, user: 'bob', command: '/usr/bin/php x.php', classification: 'malicious', action: 'killed', created_at: iso(2 * n + 1) });
const evt = (n: number) => ({ id: `e-${n}`, type: 'protection_enabled', agent_id: 'a-1', created_at: iso(2 * n) });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sorted = (ids: string[]) => [...ids].sort();

let http: HttpClient;
let connector: MonarxConnector;
let fake: FakeMonarxServer;
let baseUrl: string;

beforeAll(() => {
  http = new HttpClient(loadConfig({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1', DATA_DIR: '/tmp/hd-monarx-spec' }));
  connector = new MonarxConnector(http);
});

afterAll(async () => {
  await http.onModuleDestroy();
});

afterEach(async () => {
  await fake.stop();
});

async function startFake(opts: FakeMonarxOptions = {}, data = { files: 12, processes: 7, events: 6 }): Promise<void> {
  fake = new FakeMonarxServer({ enterpriseId: 'ent-1', apiId: 'id-1', apiKey: 'secret-1', ...opts });
  baseUrl = await fake.start();
  fake.addAgents([
    { id: 'a-1', host_id: 'web01.example.net' },
    { id: 'a-2', host_id: 'web02.example.net' },
  ]);
  fake.addFiles(range(data.files).map((n) => file(n)));
  fake.addProcesses(range(data.processes).map(proc));
  fake.addEvents(range(data.events).map(evt));
}

function account(settings: Record<string, unknown> = {}, credentials: Record<string, string> = {}): ConnectorAccount {
  return {
    id: 'va-1',
    organizationId: 'org-1',
    vendor: 'monarx',
    baseUrl,
    settings: { enterpriseId: 'ent-1', pageSize: 5, ...settings },
    credentials: { apiId: 'id-1', apiSecret: 'secret-1', ...credentials },
    backfillFrom: new Date(T0 - 3600_000),
  };
}

async function pollAll(acc: ConnectorAccount, cursor: PollCursor | null, signal = new AbortController().signal): Promise<ConnectorPage[]> {
  const pages: ConnectorPage[] = [];
  for await (const page of connector.poll(acc, cursor, { now: NOW, signal })) pages.push(page);
  return pages;
}

const externalIds = (pages: ConnectorPage[]) => pages.flatMap((p) => p.events.map((e) => e.externalId));
const sinceOf = (page: ConnectorPage, r: keyof MonarxCursor['resources']) => (page.cursor as MonarxCursor).resources[r].since;
const lastCursor = (pages: ConnectorPage[]) => pages[pages.length - 1].cursor;
const firstRunIds = [
  ...range(12).map((n) => `agent-file:f-${n}:detected`),
  ...range(7).map((n) => `agent-process:p-${n}`),
  ...range(6).map((n) => `event:e-${n}`),
];

describe.each(['next-link', 'page-number'] as const)('first poll, paging by %s', (pageStyle) => {
  it('yields every record once per vendor page, the resources in turns, with cursors that only move forward', async () => {
    await startFake({ pageStyle });
    const pages = await pollAll(account(), null);

    expect(sorted(externalIds(pages))).toEqual(sorted(firstRunIds));
    // a page each in turn: files, processes, events, files, processes, events, files
    expect(pages.map((p) => p.events.length)).toEqual([5, 5, 5, 5, 2, 1, 2]);
    expect(pages.map((p) => p.events[0].externalId.split(':')[0])).toEqual(['agent-file', 'agent-process', 'event', 'agent-file', 'agent-process', 'event', 'agent-file']);
    for (const r of ['agent-file', 'agent-process', 'event'] as const) {
      const marks = pages.map((p) => Date.parse(sinceOf(p, r)));
      expect(marks).toEqual([...marks].sort((a, b) => a - b));
      expect(externalIds(pages).filter((id) => id.startsWith(`${r}:`))).toEqual(firstRunIds.filter((id) => id.startsWith(`${r}:`)));
    }
    expect(lastCursor(pages)).toEqual({
      v: 1,
      resources: { 'agent-file': { since: iso(22) }, 'agent-process': { since: iso(13) }, event: { since: iso(10) } },
    });
    expect(pages[0].events[0]).toMatchObject({ server: 'web01.example.net', accountUser: 'u0', kind: 'detection' });
    expect(pages[1].events[0]).toMatchObject({ server: 'web02.example.net', kind: 'process_killed' });
  });
});

it('starts a first poll at the backfill start minus the overlap, agents first', async () => {
  await startFake();
  await pollAll(account(), null);
  const firstOf = (path: string) => fake.requests.find((r) => r.path.endsWith(path));
  expect(fake.requests[0].path).toBe('/v1/enterprise/ent-1/agent');
  expect(firstOf('/agent-file')?.query.filter).toBe(`updated_at=ge=${iso(-70)}`);
  expect(firstOf('/event')?.query.filter).toBe(`created_at=ge=${iso(-70)}`);
});

it('without a backfill start, goes back 30 days from now', async () => {
  await startFake();
  const pages = await pollAll({ ...account(), backfillFrom: null }, null);
  expect(sorted(externalIds(pages))).toEqual(sorted(firstRunIds));
  const since = new Date(NOW.getTime() - 30 * 24 * 3600_000 - 600_000).toISOString();
  expect(fake.requests.find((r) => r.path.endsWith('/agent-file'))?.query.filter).toBe(`updated_at=ge=${since}`);
});

describe('a second poll from the stored cursor', () => {
  it('yields new files and the cleanup of a remediated one, re-reading only the overlap window', async () => {
    await startFake();
    const first = await pollAll(account(), null);
    fake.addFiles([file(20, { created_at: iso(35), updated_at: iso(35) })]);
    fake.updateFile('f-2', { status: 'cleaned', updated_at: iso(40) });
    fake.addProcesses([{ ...proc(0), id: 'p-new', created_at: iso(30) }]);

    const second = await pollAll(account(), lastCursor(first));
    const ids = externalIds(second);
    expect(sorted(ids.filter((id) => !firstRunIds.includes(id)))).toEqual(['agent-file:f-20:detected', 'agent-file:f-2:cleaned', 'agent-process:p-new']);
    expect(second.flatMap((p) => p.events).find((e) => e.externalId === 'agent-file:f-2:cleaned')).toMatchObject({
      kind: 'cleanup',
      occurredAt: new Date(iso(40)),
    });
    // The mark was 22 min (f-11) for files, 13 for processes, 10 for events; the overlap is 10 min.
    expect(sorted(ids.filter((id) => firstRunIds.includes(id)))).toEqual(sorted([
      ...[6, 7, 8, 9, 10, 11].map((n) => `agent-file:f-${n}:detected`),
      'agent-file:f-2:detected', // the cleaned file's record, served again because it changed
      ...[1, 2, 3, 4, 5, 6].map((n) => `agent-process:p-${n}`),
      ...[0, 1, 2, 3, 4, 5].map((n) => `event:e-${n}`),
    ]));
    expect(lastCursor(second)).toEqual({
      v: 1,
      resources: { 'agent-file': { since: iso(40) }, 'agent-process': { since: iso(30) }, event: { since: iso(10) } },
    });
  });

  it('picks up a late record inside the overlap window and misses one older than it', async () => {
    await startFake();
    const first = await pollAll(account(), null); // file mark: 22 min
    fake.addFiles([
      file(30, { created_at: iso(15), updated_at: iso(15) }), // late, inside the window (12–22 min)
      file(31, { created_at: iso(5), updated_at: iso(5) }), // later than the overlap: the documented miss
    ]);
    const ids = externalIds(await pollAll(account(), lastCursor(first)));
    expect(ids).toContain('agent-file:f-30:detected');
    expect(ids).not.toContain('agent-file:f-31:detected');
    const wider = externalIds(await pollAll(account({ overlapSeconds: 3600 }), lastCursor(first)));
    expect(wider).toContain('agent-file:f-31:detected');
  });

  it('never moves a mark backwards, nor past now for a record stamped in the future', async () => {
    await startFake({}, { files: 2, processes: 0, events: 0 });
    const stored: MonarxCursor = {
      v: 1,
      resources: { 'agent-file': { since: iso(60) }, 'agent-process': { since: iso(60) }, event: { since: iso(60) } },
    };
    fake.addFiles([file(40, { created_at: iso(55), updated_at: iso(55) }), file(41, { updated_at: '2999-01-01T00:00:00Z' })]);
    const pages = await pollAll(account(), stored);
    expect(externalIds(pages)).toEqual(['agent-file:f-40:detected', 'agent-file:f-41:detected']);
    expect(sinceOf(pages[0], 'agent-file')).toBe(NOW.toISOString());
    expect(sinceOf(pages[0], 'event')).toBe(iso(60));
  });
});

describe('faults', () => {
  it('restarts a resource whose paging cursor expired and still yields every record', async () => {
    await startFake({ pageStyle: 'next-link' });
    const scan = connector.poll(account(), null, { now: NOW, signal: new AbortController().signal });
    const pages: ConnectorPage[] = [];
    const first = await scan.next();
    if (!first.done) pages.push(first.value);
    fake.expireCursors();
    for await (const page of { [Symbol.asyncIterator]: () => scan }) pages.push(page);

    expect(new Set(externalIds(pages))).toEqual(new Set(firstRunIds));
    const fileRequests = fake.requests.filter((r) => r.path.endsWith('/agent-file'));
    // first page, the expired link (410), then the restart from f-4's mark (8 min) minus the overlap
    expect(fileRequests[2].query).toMatchObject({ filter: `updated_at=ge=${iso(-2)}`, page: '0' });
    expect(fileRequests[2].query.cursor).toBeUndefined();
  });

  it('fails a resource whose cursor expires twice in one run, after the other resources have finished', async () => {
    await startFake({ pageStyle: 'next-link' });
    const scan = connector.poll(account(), null, { now: NOW, signal: new AbortController().signal });
    const pages: ConnectorPage[] = [];
    const take = async () => {
      const r = await scan.next();
      if (!r.done) pages.push(r.value);
    };
    await take(); // files, first page
    fake.expireCursors();
    await take(); // processes, first page
    await take(); // events, first page
    await take(); // files: the link expired, the restart's first page
    fake.expireCursors(); // the files' second expiry; the processes' and events' first
    const err = await (async () => {
      for (;;) {
        const r = await scan.next();
        if (r.done) return null;
        pages.push(r.value);
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorCursorExpiredError);
    expect((err as Error).message).toMatch(/^agent-file: /);
    const ids = externalIds(pages);
    // the restarts re-read the overlap window: repeats, which the event store drops by external id
    expect(sorted([...new Set(ids.filter((id) => !id.startsWith('agent-file:')))])).toEqual(sorted(firstRunIds.filter((id) => !id.startsWith('agent-file:'))));
  });

  it('leaves a resource that keeps failing for this run, reads the others to the end, then names it', async () => {
    await startFake();
    fake.breakResource('agent-process', 500);
    const pages: ConnectorPage[] = [];
    const err = await (async () => {
      for await (const page of connector.poll(account(), null, { now: NOW, signal: new AbortController().signal })) pages.push(page);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorTransientError);
    expect((err as Error).message).toMatch(/^agent-process: Monarx answered HTTP 500/);
    expect(sorted(externalIds(pages))).toEqual(sorted(firstRunIds.filter((id) => !id.startsWith('agent-process:'))));
    expect(sinceOf(pages[pages.length - 1], 'agent-process')).toBe(iso(-60)); // untouched: the next run starts there
  });

  it('retries a 5xx, a timeout and a 429 in place under a retry policy, and yields everything once', async () => {
    await startFake();
    fake.faultMix({ rateLimitEvery: 3, errorEvery: 4, stallEvery: 7, stallMs: 400, seed: 7 });
    const retry = { retries: 8, baseMs: 5, retryAfterMaxMs: 1000 };
    const shortHttp = new HttpClient(loadConfig({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1', OUTBOUND_TIMEOUT_MS: '150', DATA_DIR: '/tmp/hd-monarx-spec' }));
    const pages: ConnectorPage[] = [];
    try {
      for await (const page of new MonarxConnector(shortHttp).poll(account(), null, { now: NOW, signal: new AbortController().signal, retry })) pages.push(page);
    } finally {
      await shortHttp.onModuleDestroy();
    }
    expect(sorted(externalIds(pages))).toEqual(sorted(firstRunIds));
    expect(fake.served.rateLimited + fake.served.errors).toBeGreaterThan(0);
    expect(fake.served.stalled).toBeGreaterThan(0);
  });

  it('rejects an invalid record and carries on with the rest', async () => {
    await startFake({}, { files: 4, processes: 0, events: 0 });
    fake.invalidRecord('missing-id', new Date(T0 + 3 * 60_000));
    fake.invalidRecord('bad-timestamp', new Date(T0 + 5 * 60_000));
    const pages = await pollAll(account(), null);
    expect(externalIds(pages)).toEqual(range(4).map((n) => `agent-file:f-${n}:detected`));
    expect(pages.flatMap((p) => p.rejected).map((r) => [r.resource, r.externalId, r.reason])).toEqual([
      ['agent-file', null, 'record has no id'],
      ['agent-file', expect.stringMatching(/^bad-/), 'created_at is not a timestamp: "yesterday"'],
    ]);
  });

  it('yields a page of rejections alone, with the cursor past the readable timestamps', async () => {
    await startFake({}, { files: 0, processes: 0, events: 0 });
    fake.invalidRecord('missing-id', new Date(T0 + 3 * 60_000));
    fake.invalidRecord('bad-timestamp', new Date(T0 + 5 * 60_000));
    const pages = await pollAll(account(), null);
    expect(pages[0]).toMatchObject({ events: [], rejected: [{ reason: 'record has no id' }, { reason: expect.stringMatching(/not a timestamp/) }] });
    expect(sinceOf(pages[0], 'agent-file')).toBe(iso(3)); // "not a date" does not count
  });

  it('turns 401 into VendorAuthError, from poll and from test', async () => {
    await startFake();
    const acc = account({}, { apiSecret: 'wrong' });
    await expect(pollAll(acc, null)).rejects.toBeInstanceOf(VendorAuthError);
    await expect(connector.test(acc)).rejects.toMatchObject({ constructor: VendorAuthError, status: 401 });
  });

  it('turns 429 mid-run into VendorRateLimitError with retryAfterMs, after the pages before it, for every resource', async () => {
    await startFake();
    fake.failNext(1, 429, { retryAfterSeconds: 30, after: 3 }); // agents, the first file and process pages, then 429
    const pages: ConnectorPage[] = [];
    const err = await (async () => {
      for await (const page of connector.poll(account(), null, { now: NOW, signal: new AbortController().signal })) pages.push(page);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorRateLimitError);
    expect(err).toMatchObject({ retryAfterMs: 30_000, retryable: true });
    expect(pages).toHaveLength(2);
    expect(sinceOf(pages[1], 'agent-file')).toBe(iso(8));
    expect(sinceOf(pages[1], 'agent-process')).toBe(iso(9));
    expect(fake.requests).toHaveLength(4); // the 429 ended the run: no other resource asked the vendor again
  });

  it('waits out a 429 in place under a retry policy, as long as Retry-After allows', async () => {
    await startFake();
    fake.failNext(1, 429, { retryAfterSeconds: 1, after: 3 });
    const retry = { retries: 0, baseMs: 10, retryAfterMaxMs: 2000 };
    const pollWithRetry = async () => {
      const out: ConnectorPage[] = [];
      for await (const page of connector.poll(account(), null, { now: NOW, signal: new AbortController().signal, retry })) out.push(page);
      return out;
    };
    const started = Date.now();
    const pages = await pollWithRetry();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sorted(externalIds(pages))).toEqual(sorted(firstRunIds));
    fake.failNext(1, 429, { retryAfterSeconds: 3 }); // longer than the run may wait: the account's schedule takes it
    await expect(pollWithRetry()).rejects.toMatchObject({ constructor: VendorRateLimitError, retryAfterMs: 3000 });
  });
});

describe('settings', () => {
  beforeEach(() => startFake());

  it.each([
    [{ enterpriseId: undefined }, /settings\.enterpriseId/],
    [{ enterpriseId: ' ' }, /settings\.enterpriseId/],
    [{ overlapSeconds: -1 }, /settings\.overlapSeconds must be a whole number/],
    [{ pageSize: 500 }, /settings\.pageSize must be a whole number from 1 to 100/],
    [{ apiShape: { resources: { event: { sinceFeild: 'x' } } } }, /settings\.apiShape is invalid: monarx\.resources\.event\.sinceFeild is not a Monarx API setting/],
  ])('refuses %p with a message naming the setting, before any request', async (settings, message) => {
    const acc = account(settings);
    await expect(pollAll(acc, null)).rejects.toThrow(message);
    await expect(pollAll(acc, null)).rejects.toBeInstanceOf(VendorContractError);
    await expect(connector.test(acc)).rejects.toThrow(message);
    expect(fake.requests).toHaveLength(0);
  });

  it('names a missing credential', async () => {
    await expect(connector.test(account({}, { apiSecret: '' }))).rejects.toThrow('Monarx needs credentials.apiSecret');
  });

  it('refuses a base URL that is not http(s)', async () => {
    await expect(connector.test({ ...account(), baseUrl: 'ftp://monarx.test/v1' })).rejects.toThrow(/baseUrl must be an http\(s\) URL/);
  });

  it('polls through an api shape override when the vendor renames a filter field', async () => {
    await fake.stop();
    await startFake({ filterFields: { 'agent-file': 'modified_at' } });
    const apiShape = { resources: { 'agent-file': { sinceField: 'modified_at', sortField: 'modified_at' } } };
    const pages = await pollAll(account({ apiShape }), null);
    expect(sorted(externalIds(pages))).toEqual(sorted(firstRunIds));
    expect(sinceOf(pages[pages.length - 1], 'agent-file')).toBe(iso(22)); // the record still says updated_at
  });
});

describe('abort', () => {
  it('stops after the page in hand, without another request', async () => {
    await startFake();
    const ctl = new AbortController();
    const pages: ConnectorPage[] = [];
    for await (const page of connector.poll(account(), null, { now: NOW, signal: ctl.signal })) {
      pages.push(page);
      ctl.abort();
    }
    expect(pages).toHaveLength(1);
    expect(fake.requests).toHaveLength(2); // agents, first file page
  });

  it('makes no request when already aborted', async () => {
    await startFake();
    expect(await pollAll(account(), null, AbortSignal.abort())).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });
});

it('test() says whose credentials were accepted and how many agents they see', async () => {
  await startFake();
  await expect(connector.test(account())).resolves.toBe('credentials accepted by Monarx enterprise ent-1 (2 agents visible)');
  expect(fake.requests.map((r) => r.path)).toEqual(['/v1/enterprise/ent-1/agent', '/v1/enterprise/ent-1/agent']);
});
