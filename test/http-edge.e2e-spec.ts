import { parse } from 'csv-parse/sync';
import { request as httpRequest } from 'node:http';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

// Bad input at the HTTP edge is a 4xx that names what is wrong, never a 500; the process keeps answering.
describe('http edge: input PostgreSQL cannot store, nesting, media types', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000' });
  });
  afterAll(() => t.close());

  const json = (method: string, path: string, raw: string, contentType = 'application/json') => t.api(method, path, { raw, headers: { 'content-type': contentType } });
  const live = async () => expect((await t.api('GET', '/health/live', { key: null })).status).toBe(200);

  it('answers 400 naming the field for a NUL in any text field, and stores nothing', async () => {
    const nameNul = await json('POST', '/v1/customers', '{"externalRef":"nul-1","name":"A\\u0000B"}');
    expect(nameNul.status).toBe(400);
    expect(nameNul.body).toEqual({ code: 'validation_failed', field: 'name', message: 'name contains a NUL character (\\u0000), which text may not contain' });
    const refNul = await json('POST', '/v1/customers', '{"externalRef":"nul\\u0000-2","name":"Acme"}');
    expect(refNul.body).toMatchObject({ code: 'validation_failed', field: 'externalRef' });
    expect((await t.api('GET', '/v1/customers?externalRef=nul-1')).body.data).toEqual([]);

    const customer = await t.api('POST', '/v1/customers', { body: { externalRef: 'nul-ok', name: 'Acme' } });
    expect(customer.status).toBe(201);
    const patch = await json('PATCH', `/v1/customers/${customer.body.id}`, '{"name":"Acme\\u0000"}');
    expect(patch.body).toMatchObject({ code: 'validation_failed', field: 'name' });
    const site = await json('POST', `/v1/customers/${customer.body.id}/sites`, '{"domains":["acme.example","x\\u0000.example"]}');
    expect(site.status).toBe(400);
    expect(site.body).toMatchObject({ code: 'validation_failed', field: 'domains[1]' });
    const brand = await json('POST', '/v1/brands', '{"name":"North\\u0000wind"}');
    expect(brand.body).toMatchObject({ code: 'validation_failed', field: 'name' });
    expect((await t.api('GET', `/v1/customers/${customer.body.id}`)).body.name).toBe('Acme');
    await live();
  });

  it('answers 400 for an unpaired surrogate and for a NUL in a field name', async () => {
    const surrogate = await json('POST', '/v1/customers', '{"externalRef":"sur-1","name":"A\\ud800B"}');
    expect(surrogate.status).toBe(400);
    expect(surrogate.body).toMatchObject({ code: 'validation_failed', field: 'name', message: expect.stringContaining('unpaired UTF-16 surrogate') });
    const key = await json('POST', '/v1/customers', '{"externalRef":"sur-2","na\\u0000me":"x"}');
    expect(key.status).toBe(400);
    expect(key.body).toMatchObject({ code: 'validation_failed', field: 'na\\u0000me' });
    expect(Object.values(key.body).join(' ')).not.toContain('\u0000'); // the answer carries no NUL itself
  });

  it('answers 400 for a NUL in a query parameter or a path segment', async () => {
    const query = await t.api('GET', '/v1/events?source=%00');
    expect(query.status).toBe(400);
    expect(query.body).toMatchObject({ code: 'validation_failed', field: 'source' });
    const path = await t.api('GET', '/v1/events/a%00b');
    expect(path.status).toBe(400);
    expect(path.body).toMatchObject({ code: 'validation_failed', field: 'id' });
    await live();
  });

  it('answers 400 too_deep for JSON nested 10,000 levels, in any route, and keeps answering', async () => {
    for (const body of ['['.repeat(10_000) + ']'.repeat(10_000), '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)]) {
      const res = await json('POST', '/v1/customers', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 'too_deep', field: 'body', message: 'request body nests arrays and objects more than 64 levels deep' });
    }
    await live();
  });

  it('answers 400 too_deep for a pushed event whose raw is nested 5,000 levels; 60 levels are stored', async () => {
    const item = (externalId: string, depth: number) => `{"source":"probe","externalId":"${externalId}","kind":"detection","occurredAt":"2026-11-23T08:00:00Z","raw":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    const deep = await json('POST', '/v1/events', `{"events":[${item('deep-1', 5_000)}]}`);
    expect(deep.status).toBe(400);
    expect(deep.body.code).toBe('too_deep');
    const fine = await json('POST', '/v1/events', `{"events":[${item('deep-2', 60)}]}`);
    expect(fine.status).toBe(200);
    expect(fine.body).toMatchObject({ created: 1, rejected: 0 });
  });

  it('answers 415 to a text/plain body on a JSON route, also when it is empty', async () => {
    for (const [path, body] of [
      ['/v1/customers', '{"externalRef":"txt-1","name":"Acme"}'],
      ['/v1/customers', ''],
      ['/v1/events', '{"events":[{"source":"probe","externalId":"t-1","kind":"detection","occurredAt":"2026-11-23T08:00:00Z"}]}'],
      ['/v1/brands', '{"name":"x"}'],
    ]) {
      const res = await json('POST', path, body, 'text/plain');
      expect([path, res.status, res.body]).toEqual([path, 415, { code: 'unsupported_media_type', field: 'body', message: 'Content-Type "text/plain" is not accepted here: send application/json' }]);
    }
    expect((await t.api('GET', '/v1/customers?externalRef=txt-1')).body.data).toEqual([]);
  });

  it('still takes text/csv and text/plain on the import, and a stray Content-Type on a DELETE without a body', async () => {
    const csv = await json('POST', '/v1/customers/import', 'external_ref,name\ncsv-plain,Plain\n', 'text/plain');
    expect(csv.status).toBe(200);
    expect(csv.body).toMatchObject({ created: 1 });
    const onImport = await json('POST', '/v1/customers/import', '{"x":1}', 'application/x-www-form-urlencoded');
    expect(onImport.body).toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining('send text/csv') });
    const [c] = (await t.api('GET', '/v1/customers?externalRef=csv-plain')).body.data;
    const del = await t.api('DELETE', `/v1/customers/${c.id}`, { headers: { 'content-type': 'text/plain' } });
    expect(del.status).toBe(204);
  });
});

describe('http edge: customer CSV', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000' });
  });
  afterAll(() => t.close());

  const newKey = async (name: string) => {
    const org = await t.app.get(OrganizationsService).create(name);
    return (await t.app.get(ApiKeysService).create(org.id, 'admin', ['admin'])).key;
  };
  const importCsv = (key: string, csv: string, mode = 'atomic') =>
    t.api('POST', `/v1/customers/import?mode=${mode}`, { raw: csv, headers: { 'content-type': 'text/csv' }, key });

  it('rejects a row with a NUL in a cell by its line and column, never a 500', async () => {
    const key = await newKey('csv nul');
    const csv = 'external_ref,name,server,account_user\nok-1,Fine,,\nbad-1,A\u0000B,,\nbad-2,Bob,web01,b\u0000b\n';
    const atomic = await importCsv(key, csv);
    expect(atomic.status).toBe(422);
    expect(atomic.body.rejected).toEqual([
      { line: 3, field: 'name', reason: 'name contains a NUL character (\\u0000), which text may not contain' },
      { line: 4, field: 'account_user', reason: expect.stringContaining('NUL character') },
    ]);
    const perRow = await importCsv(key, csv, 'per-row');
    expect(perRow.status).toBe(200);
    expect(perRow.body).toMatchObject({ created: 1 });
    expect((await t.api('GET', '/v1/customers', { key })).body.data.map((c: { externalRef: string }) => c.externalRef)).toEqual(['ok-1']);
  });

  it('exports cells a spreadsheet would evaluate with a leading quote, and imports the export back unchanged', async () => {
    const from = await newKey('csv export');
    const values = [
      { externalRef: '=HYPERLINK("http://evil.example","click")', name: '+49 Bakery', emails: ['+tag@acme.example'] },
      { externalRef: '-42', name: '@SUM(A1:A9)', emails: [] },
      { externalRef: "'=already quoted", name: "'plain quote", emails: [] },
      { externalRef: 'plain', name: 'Plain Name', emails: ['p@plain.example'] },
    ];
    for (const v of values) expect((await t.api('POST', '/v1/customers', { body: v, key: from })).status).toBe(201);
    const [first] = (await t.api('GET', '/v1/customers?externalRef=-42', { key: from })).body.data;
    expect((await t.api('POST', `/v1/customers/${first.id}/sites`, { body: { server: '-web01', accountUser: '@bob', vendorSiteIds: ['=1'] }, key: from })).status).toBe(201);

    const exported = await t.api('GET', '/v1/customers/export', { key: from });
    expect(exported.status).toBe(200);
    const rows = parse(exported.body, { columns: false }) as string[][];
    for (const cell of rows.slice(1).flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const byRef = new Map(rows.slice(1).map((r) => [r[0], r]));
    expect(byRef.get("'=HYPERLINK(\"http://evil.example\",\"click\")")?.slice(1, 3)).toEqual(["'+49 Bakery", "'+tag@acme.example"]);
    expect(byRef.get("'-42")).toEqual(expect.arrayContaining(["'@SUM(A1:A9)", "'-web01", "'@bob", "'=1"]));
    expect(byRef.get("''=already quoted")?.[1]).toBe("''plain quote");
    expect(byRef.get('plain')?.[1]).toBe('Plain Name');

    const to = await newKey('csv import');
    const imported = await importCsv(to, exported.body);
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ created: 4, sitesCreated: 1, rejected: [] });
    const shape = async (key: string) =>
      (await t.api('GET', '/v1/customers?limit=100', { key })).body.data
        .map((c: { externalRef: string; name: string; emails: string[] }) => ({ externalRef: c.externalRef, name: c.name, emails: c.emails }))
        .sort((a: { externalRef: string }, b: { externalRef: string }) => a.externalRef.localeCompare(b.externalRef));
    expect(await shape(to)).toEqual(await shape(from));
    expect(await shape(to)).toEqual(expect.arrayContaining(values.map((v) => expect.objectContaining(v))));
    const [site] = (await t.api('GET', '/v1/sites', { key: to })).body.data;
    expect(site).toMatchObject({ server: '-web01', accountUser: '@bob', vendorSiteIds: ['=1'] });
    expect((await t.api('GET', '/v1/customers/export', { key: to })).body).toBe(exported.body);
  });
});

describe('http edge: failed authentication is throttled per client address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUTH_FAILURES_PER_MINUTE: '20' });
  });
  afterAll(() => t.close());

  // From a chosen local address: every 127.x.y.z reaches the listener on 127.0.0.1.
  const from = (localAddress: string, key: string) =>
    new Promise<{ status: number; retryAfter?: string; body: { code: string } }>((resolve, reject) => {
      const url = new URL('/v1/organization', t.baseUrl);
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, localAddress, headers: { authorization: `Bearer ${key}` } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end();
    });
  const randomKey = () => `hd_${Math.random().toString(36).slice(2, 10).padEnd(8, '0')}_${'z'.repeat(32)}`;

  it('answers 429 with Retry-After after 20 failures in a minute (200 random keys: 20 × 401, 180 × 429); a valid key from another address keeps working', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) statuses.push((await from('127.0.0.5', randomKey())).status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);

    const limited = await from('127.0.0.5', randomKey());
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('failed authentications from this address') });
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(60);
    // the throttled address learns nothing, not even that a key is right
    expect((await from('127.0.0.5', ADMIN_KEY)).status).toBe(429);

    expect((await from('127.0.0.6', ADMIN_KEY)).status).toBe(200);
    expect((await from('127.0.0.6', randomKey())).status).toBe(401);
    expect((await from('127.0.0.6', ADMIN_KEY)).status).toBe(200);
  });
});

describe('http edge: the page at /', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves a small HTML page without a key that links the web editor, the API docs and health, each of which answers', async () => {
    const res = await fetch(`${t.baseUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('<title>hostdigest</title>');
    const links = [...html.matchAll(/href="(\/[^"]*)"/g)].map((m) => m[1]);
    expect(links).toEqual(expect.arrayContaining(['/admin', '/docs', '/health/ready']));
    for (const link of links) expect([link, (await fetch(`${t.baseUrl}${link}`)).status]).toEqual([link, 200]);
  });
});
