import { RejectedRecordsUnique1764804000000 } from '../migrations/1764804000000-RejectedRecordsUnique';
import { FakeMonarxServer, INVALID_UTF8 } from './fakes/fake-monarx-server';
import { AGENT } from './support/monarx-records';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

// Record-level correctness of ingestion: one record that cannot be stored is one rejected record (with its reason),
// never a failed page, a failed batch or a stalled account; and nothing is changed or dropped in silence.

const T0 = Date.parse('2026-11-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

type Rec = Record<string, unknown>;
const BAD: { name: string; char: string; reason: RegExp; stored: string }[] = [
  { name: 'nul', char: '\u0000', reason: /contains a NUL character/, stored: '\\u0000' },
  { name: 'surrogate', char: '\ud800', reason: /unpaired UTF-16 surrogate/, stored: '\\ud800' },
  { name: 'utf8', char: INVALID_UTF8, reason: /not valid UTF-8/, stored: '\ufffd\ufffd' },
];

// Every text field each resource's records carry (vendor-api.md, plus the optional ones the connector reads).
const fileRec = (id: string, s: number): Rec => ({
  id, agent_id: AGENT.id, path: `/home/bob/public_html/${id}.php`, home_dir: '/home/bob', user: 'bob', sha256: 'ab'.repeat(32),
  classification: 'malicious', threat_name: 'php.webshell', signature: 'php.webshell', status: 'detected', action: 'detected',
  domain: 'bob.example', site_id: 'vs-1', created_at: at(s), updated_at: at(s),
});
const procRec = (id: string, s: number): Rec => ({
  id, agent_id: AGENT.id, pid: '4242', user: 'bob', command: '/usr/bin/php x.php', path: '/home/bob/tmp/x.php', home_dir: '/home/bob',
  classification: 'malicious', threat_name: 'miner', signature: 'miner', action: 'killed', status: 'killed', domain: 'bob.example',
  site_id: 'vs-1', created_at: at(s),
});
const eventRec = (id: string, s: number): Rec => ({
  id, type: 'protection_disabled', agent_id: AGENT.id, created_at: at(s),
  data: { user: 'bob', home_dir: '/home/bob', path: '/home/bob', domain: 'bob.example', site_id: 'vs-1', agent_id: AGENT.id },
});

function withBad(record: Rec, field: string, char: string): Rec {
  const copy = structuredClone(record);
  const [top, sub] = field.split('.');
  const holder = (sub ? copy[top] : copy) as Rec;
  const key = sub ?? top;
  holder[key] = `${String(holder[key])}${char}`;
  return copy;
}

function fieldsOf(record: Rec): string[] {
  return Object.entries(record).flatMap(([k, v]) => (k === 'data' ? Object.keys(v as Rec).map((d) => `data.${d}`) : [k]));
}

describe('ingestion: one bad record is one rejected record', () => {
  let t: TestApp;
  let fake: FakeMonarxServer;
  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '100000' });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    fake = new FakeMonarxServer();
    baseUrl = await fake.start();
    fake.addAgents([AGENT]);
  });
  afterEach(() => fake.stop());

  const createAccount = async (overlapSeconds = 600) => {
    const res = await t.api('POST', '/v1/vendor-accounts', {
      body: {
        vendor: 'monarx', name: 'Monarx records', baseUrl, backfillFrom: '2026-10-01T00:00:00Z',
        settings: { enterpriseId: fake.enterpriseId, pageSize: 100, overlapSeconds },
        credentials: { apiId: fake.apiId, apiSecret: fake.apiKey },
      },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const account = async (id: string) => (await t.api('GET', `/v1/vendor-accounts/${id}`)).body;
  const sync = async (id: string) => {
    const before = (await account(id)).lastSuccessAt;
    await t.api('POST', `/v1/vendor-accounts/${id}/sync`);
    return waitFor(() => account(id), (a) => (a.status === 'ok' && a.lastSuccessAt !== before) || a.lastError !== null, `account ${id} to finish a poll`);
  };
  const storedIds = async (id: string): Promise<string[]> =>
    (await t.db.dataSource.query(`SELECT external_id FROM events WHERE vendor_account_id = $1 ORDER BY external_id`, [id])).map((r: { external_id: string }) => r.external_id);
  const rejectedOf = async (id: string) => {
    const res = await t.api('GET', `/v1/rejected-records?vendorAccountId=${id}&limit=500`);
    expect(res.status).toBe(200);
    return res.body.data as { resource: string; externalId: string | null; reason: string; timesSeen: number; receivedAt: string; lastSeenAt: string; raw: Rec }[];
  };

  it('stores the rest of a page whose middle record has a NUL byte in its path, and moves the cursor on', async () => {
    const recs = [fileRec('f1', 1), withBad(fileRec('f2', 2), 'path', '\u0000'), fileRec('f3', 3)];
    fake.addFiles(recs);
    const id = await createAccount();
    const a = await sync(id);
    expect(a).toMatchObject({ status: 'ok', lastError: null, consecutiveFailures: 0, eventsIngested: 2, recordsRejected: 1 });
    expect(a.cursor.resources['agent-file'].since).toBe(at(3));
    expect(await storedIds(id)).toEqual(['agent-file:f1:detected', 'agent-file:f3:detected']);
    const [rejected, ...more] = await rejectedOf(id);
    expect(more).toEqual([]);
    expect(rejected).toMatchObject({
      resource: 'agent-file', externalId: 'f2', timesSeen: 1,
      reason: 'path contains a NUL character (\\u0000), which text may not contain: the record cannot be stored',
      raw: { id: 'f2', path: '/home/bob/public_html/f2.php\\u0000' },
    });
  });

  it('rejects a NUL byte, a lone surrogate or invalid UTF-8 in any text field of a file, process or event record, and stores every other record', async () => {
    const kinds = [
      { resource: 'agent-file', make: fileRec, add: (r: Rec[]) => fake.addFiles(r), eventId: (rid: string) => `agent-file:${rid}:detected` },
      { resource: 'agent-process', make: procRec, add: (r: Rec[]) => fake.addProcesses(r), eventId: (rid: string) => `agent-process:${rid}` },
      { resource: 'event', make: eventRec, add: (r: Rec[]) => fake.addEvents(r), eventId: (rid: string) => `event:${rid}` },
    ];
    const good: string[] = [];
    const bad: { resource: string; externalId: string; field: string; reason: RegExp }[] = [];
    for (const k of kinds) {
      const records: Rec[] = [];
      let s = 0;
      for (const field of fieldsOf(k.make('x', 0))) {
        for (const b of BAD) {
          const okId = `${k.resource}-ok-${field}-${b.name}`;
          records.push(k.make(okId, ++s)); // a good record between every two bad ones
          good.push(k.eventId(okId));
          const badId = `${k.resource}-${field}-${b.name}`;
          records.push(withBad(k.make(badId, ++s), field, b.char));
          bad.push({ resource: k.resource, externalId: field === 'id' ? `${badId}${b.stored}` : badId, field, reason: b.reason });
        }
      }
      k.add(records);
    }
    const id = await createAccount();
    const a = await sync(id);
    expect(a).toMatchObject({ status: 'ok', lastError: null, eventsIngested: good.length, recordsRejected: bad.length });
    expect(await storedIds(id)).toEqual([...good].sort());
    const rejected = await rejectedOf(id);
    expect(rejected).toHaveLength(bad.length);
    for (const b of bad) {
      const row = rejected.find((r) => r.resource === b.resource && r.externalId === b.externalId);
      expect({ ...b, reason: row?.reason }).toEqual({ ...b, reason: expect.stringMatching(b.reason) });
      expect(row?.reason.startsWith(`${b.field} `)).toBe(true);
    }
  });

  it('rejects, and stores the rest around, an id too long for the index and a time PostgreSQL cannot hold', async () => {
    fake.addFiles([fileRec('f1', 1), fileRec('x'.repeat(3000), 2), { ...fileRec('f3', 3), created_at: -5e12 }, fileRec('f4', 4)]);
    const id = await createAccount();
    expect(await sync(id)).toMatchObject({ status: 'ok', lastError: null, eventsIngested: 2, recordsRejected: 2 });
    expect(await storedIds(id)).toEqual(['agent-file:f1:detected', 'agent-file:f4:detected']);
    expect((await rejectedOf(id)).map((r) => r.reason).sort()).toEqual(['created_at is not a timestamp: -5000000000000', 'id is longer than 200 characters']);
  });

  it('keeps such characters in fields it does not read, written out as text in the raw payload', async () => {
    fake.addFiles([{ ...fileRec('f1', 1), note: 'a\u0000b', ['tag\ud800']: 'x' }]);
    const id = await createAccount();
    expect(await sync(id)).toMatchObject({ status: 'ok', eventsIngested: 1, recordsRejected: 0 });
    const [event] = (await t.api('GET', `/v1/events?vendorAccountId=${id}`)).body.data;
    const detail = await t.api('GET', `/v1/events/${event.id}`);
    expect(detail.body).toMatchObject({ filePath: '/home/bob/public_html/f1.php', raw: { note: 'a\\u0000b', 'tag\\ud800': 'x' } });
  });

  it('names the server by agent id when an agent record\'s host name cannot be stored, and polls on', async () => {
    fake.addAgents(BAD.map((b, i) => ({ ...AGENT, id: `agent-${b.name}`, host_id: `host${i}.example${b.char}`, status: `online${b.char}` })));
    fake.addFiles(BAD.map((b, i) => ({ ...fileRec(`f-${b.name}`, i + 1), agent_id: `agent-${b.name}` })));
    const id = await createAccount();
    expect(await sync(id)).toMatchObject({ status: 'ok', lastError: null, eventsIngested: 3, recordsRejected: 0 });
    const servers = await t.db.dataSource.query(`SELECT server FROM events WHERE vendor_account_id = $1 ORDER BY server`, [id]);
    expect(servers.map((r: { server: string }) => r.server)).toEqual(['agent-nul', 'agent-surrogate', 'agent-utf8']);
  });

  it('keeps one rejected record, counted, however often a re-poll reads it again', async () => {
    fake.addFiles([fileRec('f1', 1), withBad(fileRec('f2', 2), 'user', '\u0000'), fileRec('f3', 3)]);
    fake.invalidRecord('missing-id', new Date(T0 + 4000)); // no id: known by its payload
    const id = await createAccount(30 * 24 * 3600); // every poll reads everything again
    // the poll that creating the account starts, then two more
    await waitFor(() => account(id), (a) => a.lastSuccessAt !== null || a.lastError !== null, 'the first poll');
    await sync(id);
    const a = await sync(id);
    expect(a).toMatchObject({ status: 'ok', eventsIngested: 2, recordsRejected: 2 });
    const rejected = await rejectedOf(id);
    expect(rejected.map((r) => [r.externalId, r.timesSeen])).toEqual(expect.arrayContaining([['f2', 3], [null, 3]]));
    expect(rejected).toHaveLength(2);
    for (const r of rejected) expect(Date.parse(r.lastSeenAt)).toBeGreaterThan(Date.parse(r.receivedAt));
  });

  it('migrating folds the rows written before into one per record, and takes the repeats off the account count', async () => {
    const migration = new RejectedRecordsUnique1764804000000();
    const q = t.db.dataSource.createQueryRunner();
    try {
      await migration.down(q);
      const orgId = (await t.api('GET', '/v1/organization')).body.id;
      const [{ id }] = await q.query(
        `INSERT INTO vendor_accounts (organization_id, vendor, name, enabled, records_rejected) VALUES ($1, 'monarx', 'old', false, 7) RETURNING id`, [orgId]);
      const row = (source: string, externalId: string | null, reason: string, raw: string, minutes: number) =>
        q.query(
          `INSERT INTO rejected_records (organization_id, vendor_account_id, source, resource, external_id, reason, raw, received_at)
           VALUES ($1, $2, $3, 'agent-file', $4, $5, $6::jsonb, $7)`,
          [orgId, source === 'push:old' ? null : id, source, externalId, reason, raw, new Date(T0 + minutes * 60_000)],
        );
      const va = `va:${id}`;
      await row(va, 'f2', 'first', '{"id":"f2"}', 1);
      await row(va, 'f2', 'second', '{"id":"f2"}', 2);
      await row(va, 'f2', 'third', '{"id":"f2","x":1}', 3);
      await row(va, null, 'no id', '{"a":1,"b":2}', 1);
      await row(va, null, 'no id', '{"b":2,"a":1}', 5); // the same payload
      await row(va, null, 'no id', '{"a":2}', 6); // another one
      await row(va, 'f9', 'once', '{}', 1);
      await row('push:old', 'e-1', 'kind', '{}', 1);
      await row('push:old', 'e-1', 'kind', '{}', 2);
      await migration.up(q);

      const rows: Rec[] = await q.query(
        `SELECT source, external_id, reason, raw, times_seen, received_at, last_seen_at FROM rejected_records
         WHERE organization_id = $1 AND source IN ($2, 'push:old') ORDER BY source, external_id, times_seen`, [orgId, va]);
      const minute = (m: number) => new Date(T0 + m * 60_000);
      expect(rows).toEqual([
        { source: 'push:old', external_id: 'e-1', reason: 'kind', raw: {}, times_seen: 2, received_at: minute(1), last_seen_at: minute(2) },
        { source: va, external_id: 'f2', reason: 'third', raw: { id: 'f2', x: 1 }, times_seen: 3, received_at: minute(1), last_seen_at: minute(3) },
        { source: va, external_id: 'f9', reason: 'once', raw: {}, times_seen: 1, received_at: minute(1), last_seen_at: minute(1) },
        { source: va, external_id: null, reason: 'no id', raw: { a: 2 }, times_seen: 1, received_at: minute(6), last_seen_at: minute(6) },
        { source: va, external_id: null, reason: 'no id', raw: { a: 1, b: 2 }, times_seen: 2, received_at: minute(1), last_seen_at: minute(5) },
      ]);
      expect((await q.query(`SELECT records_rejected FROM vendor_accounts WHERE id = $1`, [id]))[0].records_rejected).toBe('4');
    } finally {
      await q.release();
    }
  });

  it('matches a process record by its domain, site id and home directory, in the same order as a file record', async () => {
    const customer = (await t.api('POST', '/v1/customers', { body: { externalRef: 'proc-1', name: 'Bob' } })).body;
    const site = async (body: Rec) => (await t.api('POST', `/v1/customers/${customer.id}/sites`, { body })).body.id as string;
    const byAccount = await site({ domains: ['one.example'], server: AGENT.host_id, accountUser: 'bob' });
    const byDomain = await site({ domains: ['two.example'] });
    const bySiteId = await site({ domains: ['three.example'], vendorSiteIds: ['vs-3'] });
    const proc = (id: string, over: Rec) => ({ id, agent_id: AGENT.id, pid: 1, command: 'x', classification: 'malicious', action: 'killed', created_at: at(1), ...over });
    fake.addProcesses([
      proc('p-domain', { user: 'bob', domain: 'two.example' }),
      proc('p-site', { user: 'bob', domain: 'two.example', site_id: 'vs-3' }),
      proc('p-home', { home_dir: '/home/bob' }),
      proc('p-plain', { user: 'bob' }),
    ]);
    const id = await createAccount();
    await sync(id);
    const rows: { external_id: string; site_id: string; match_rule: string }[] = await t.db.dataSource.query(
      `SELECT external_id, site_id, match_rule FROM events WHERE vendor_account_id = $1 ORDER BY external_id`, [id]);
    expect(rows).toEqual([
      { external_id: 'agent-process:p-domain', site_id: byDomain, match_rule: 'domain' },
      { external_id: 'agent-process:p-home', site_id: byAccount, match_rule: 'server_account' },
      { external_id: 'agent-process:p-plain', site_id: byAccount, match_rule: 'server_account' },
      { external_id: 'agent-process:p-site', site_id: bySiteId, match_rule: 'vendor_site_id' },
    ]);
  });
});

describe('push: one bad item is that item’s rejected entry', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '100000' });
  });
  afterAll(() => t.close());

  let n = 0;
  const ev = (over: Rec = {}): Rec => ({
    source: 'scanner', externalId: `e-${++n}`, kind: 'detection', severity: 'high', occurredAt: '2026-11-23T08:00:00Z', classification: 'malicious',
    server: 'web01', accountUser: 'bob', domain: 'bob.example', vendorSiteId: 'vs-1', filePath: '/home/bob/x.php', fileHash: 'ab12',
    process: 'php', threatName: 'webshell', vendorType: 'found', ...over,
  });
  const TEXT_FIELDS = ['externalId', 'classification', 'server', 'accountUser', 'domain', 'vendorSiteId', 'filePath', 'fileHash', 'process', 'threatName', 'vendorType'];
  // Bytes, not a JS string: fetch would encode a string as UTF-8.
  const pushBytes = async (body: Buffer) => {
    const res = await fetch(`${t.baseUrl}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body });
    return { status: res.status, body: (await res.json()) as { created: number; rejected: number; results: unknown[] } };
  };

  it.each(BAD.filter((b) => b.name !== 'utf8'))('rejects the items with a $name in any text field, storing the others (207)', async (b) => {
    const items = TEXT_FIELDS.flatMap((f) => [ev(), ev({ [f]: `${f === 'externalId' ? `e-${++n}` : 'v'}${b.char}` })]);
    const res = await t.api('POST', '/v1/events', { body: { events: items } });
    expect(res.status).toBe(207);
    expect(res.body).toMatchObject({ created: TEXT_FIELDS.length, rejected: TEXT_FIELDS.length, duplicates: 0 });
    TEXT_FIELDS.forEach((f, i) => {
      expect(res.body.results[2 * i]).toMatchObject({ index: 2 * i, status: 'created' });
      expect(res.body.results[2 * i + 1]).toEqual({ index: 2 * i + 1, status: 'rejected', field: f, reason: expect.stringMatching(b.reason) });
    });
    const goodIds = items.filter((_, i) => i % 2 === 0).map((i) => i.externalId);
    const stored = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM events WHERE source = 'push:scanner' AND external_id = ANY($1)`, [goodIds]);
    expect(stored[0].n).toBe(TEXT_FIELDS.length);
    const rejected = (await t.api('GET', '/v1/rejected-records?source=push:scanner&limit=500')).body.data;
    expect(rejected.filter((r: { reason: string }) => b.reason.test(r.reason))).toHaveLength(TEXT_FIELDS.length);
  });

  it('rejects the items with invalid UTF-8 in any text field, storing the others (207)', async () => {
    const items = TEXT_FIELDS.flatMap((f) => [ev(), ev({ [f]: `${f === 'externalId' ? `e-${++n}` : 'v'}@@BAD@@` })]);
    const json = JSON.stringify({ events: items });
    const body = Buffer.concat(json.split('@@BAD@@').flatMap((p, i) => (i ? [Buffer.from([0xc3, 0x28]), Buffer.from(p)] : [Buffer.from(p)])));
    const res = await pushBytes(body);
    expect(res.status).toBe(207);
    expect(res.body).toMatchObject({ created: TEXT_FIELDS.length, rejected: TEXT_FIELDS.length });
    TEXT_FIELDS.forEach((f, i) => expect(res.body.results[2 * i + 1]).toMatchObject({ status: 'rejected', field: f, reason: expect.stringMatching(/not valid UTF-8/) }));
  });

  it('rejects the items whose raw payload holds a NUL byte or a lone surrogate, naming where, and keeps the item as a rejected record', async () => {
    const items = [ev({ raw: { note: 'a\u0000b' } }), ev(), ev({ raw: { list: [{ ['k\ud800']: 1 }] } })];
    const res = await t.api('POST', '/v1/events', { body: { events: items } });
    expect(res.status).toBe(207);
    expect(res.body.results).toEqual([
      { index: 0, status: 'rejected', field: 'raw.note', reason: expect.stringMatching(/^raw\.note contains a NUL character/) },
      expect.objectContaining({ index: 1, status: 'created' }),
      { index: 2, status: 'rejected', field: 'raw.list[0].k\\ud800', reason: expect.stringMatching(/unpaired UTF-16 surrogate/) },
    ]);
    const rows = (await t.api('GET', '/v1/rejected-records?source=push:scanner&limit=500')).body.data;
    // Kept as pushed, with the characters jsonb cannot hold written out as text.
    expect(rows.find((r: { externalId: string }) => r.externalId === items[0].externalId).raw).toMatchObject({ raw: { note: 'a\\u0000b' } });
    expect(rows.find((r: { externalId: string }) => r.externalId === items[2].externalId).raw).toMatchObject({ raw: { list: [{ 'k\\ud800': 1 }] } });
  });

  it('keeps a rejected item pushed again as one rejected record, counted', async () => {
    const item = ev({ source: 'repeat', domain: 'x\u0000' });
    for (let i = 0; i < 3; i++) expect((await t.api('POST', '/v1/events', { body: { events: [item] } })).status).toBe(207);
    const rows = (await t.api('GET', '/v1/rejected-records?source=push:repeat')).body.data;
    expect(rows).toEqual([expect.objectContaining({ externalId: item.externalId, timesSeen: 3, reason: expect.stringContaining('domain contains a NUL') })]);
  });

  it.each([
    ['1', /"1" is not an ISO-8601 timestamp with a time zone/],
    ['2026-02-30T00:00:00Z', /"2026-02-30T00:00:00Z" is not a real date: 2026-02 has 28 days/],
    ['Nov 23 2026 08:00', /"Nov 23 2026 08:00" is not an ISO-8601 timestamp/],
    ['2026-11-23T08:00:00', /has no time zone/],
  ])('rejects occurredAt %j as that item’s entry', async (occurredAt, reason) => {
    const res = await t.api('POST', '/v1/events', { body: { events: [ev(), ev({ occurredAt }), ev({ occurredAt: '2026-11-23T09:00:00+01:00' })] } });
    expect(res.status).toBe(207);
    expect(res.body.results[0]).toMatchObject({ status: 'created' });
    expect(res.body.results[1]).toEqual({ index: 1, status: 'rejected', field: 'occurredAt', reason: expect.stringMatching(reason) });
    const third = await t.api('GET', `/v1/events/${res.body.results[2].id}`);
    expect(third.body.occurredAt).toBe('2026-11-23T08:00:00.000Z');
  });

  it('rejects an item with an unknown field, naming it', async () => {
    const { accountUser, ...rest } = ev();
    const res = await t.api('POST', '/v1/events', { body: { events: [ev(), { ...rest, acountUser: accountUser }] } });
    expect(res.status).toBe(207);
    expect(res.body.results[1]).toEqual({ index: 1, status: 'rejected', field: 'acountUser', reason: expect.stringMatching(/^unknown field "acountUser" \(did you mean "accountUser"\?\)/) });
  });

  it.each([
    ['events that is not an array', { body: { events: 'x' } }, 'events', 'events must be an array of event objects, not a string'],
    ['an empty JSON body', { raw: '', headers: { 'content-type': 'application/json' } }, 'events', 'events is missing: the body must be {"events": [ ... ]} with 1 to 1,000 events'],
    ['no body at all', {}, 'events', 'events is missing: the body must be {"events": [ ... ]} with 1 to 1,000 events'],
    ['an object without events', { body: {} }, 'events', 'events is missing: the body must be {"events": [ ... ]} with 1 to 1,000 events'],
    ['a top-level array', { body: [{ source: 'x' }] }, 'body', 'request body must be a JSON object, not an array'],
    ['a bare string', { body: 'events' }, 'body', 'request body must be a JSON object, not a string'],
    ['an empty list', { body: { events: [] } }, 'events', 'events is empty: send 1 to 1,000 events'],
  ])('answers %s with what is wrong', async (_, opts, field, message) => {
    const res = await t.api('POST', '/v1/events', opts);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'validation_failed', field, message });
  });

  it('answers over 1,000 events with the count', async () => {
    const res = await t.api('POST', '/v1/events', { body: { events: Array.from({ length: 1001 }, () => ev()) } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'events', message: 'at most 1,000 events per request (got 1001)' });
  });
});
