import { startTestApp, TestApp } from './support/test-app';

describe('foundation: API conventions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '1000', BODY_LIMIT: '10kb' });
  });
  afterAll(() => t.close());

  it('reports live and ready (database and job engine) without a key', async () => {
    expect((await t.api('GET', '/health/live', { key: null })).body).toEqual({ status: 'ok' });
    const ready = await t.api('GET', '/health/ready', { key: null });
    expect(ready.status).toBe(200);
    expect(ready.body.info).toMatchObject({ database: { status: 'up' }, jobs: { status: 'up' } });
  });

  it('serves Prometheus metrics including request durations', async () => {
    await t.api('GET', '/v1/organization');
    const res = await t.api('GET', '/metrics', { key: null });
    expect(res.status).toBe(200);
    expect(res.body).toContain('hostdigest_http_request_duration_seconds_bucket');
    expect(res.body).toContain('route="/v1/organization"');
  });

  it('documents every /v1 endpoint in the OpenAPI document', async () => {
    const doc = (await t.api('GET', '/docs-json', { key: null })).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/api-keys', '/v1/api-keys/{id}/revoke', '/v1/organization']));
    expect(doc.components.securitySchemes.bearer).toBeDefined();
    const ui = await fetch(`${t.baseUrl}/docs`);
    expect(ui.status).toBe(200);
  });

  it('refuses requests without a valid key', async () => {
    const none = await t.api('GET', '/v1/organization', { key: null });
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('unauthorized');
    expect((await t.api('GET', '/v1/organization', { key: 'hd_deadbeef_' + 'y'.repeat(32) })).status).toBe(401);
  });

  it('gives field-level validation errors and rejects unknown fields', async () => {
    const missing = await t.api('POST', '/v1/api-keys', { body: { scopes: ['read'] } });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'validation_failed', field: 'name' });
    const unknown = await t.api('POST', '/v1/api-keys', { body: { name: 'x', scopes: ['read'], colour: 'red' } });
    expect(unknown.body).toMatchObject({ code: 'validation_failed', field: 'colour' });
    const badScope = await t.api('POST', '/v1/api-keys', { body: { name: 'x', scopes: ['root'] } });
    expect(badScope.body).toMatchObject({ field: 'scopes', message: expect.stringContaining('read, write, admin') });
  });

  it('answers 400 to malformed JSON and 413 to a body over the limit', async () => {
    const bad = await t.api('POST', '/v1/api-keys', { raw: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_json');
    const big = await t.api('POST', '/v1/api-keys', { body: { name: 'x'.repeat(20_000), scopes: ['read'] } });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('payload_too_large');
  });

  it('shows a new key once, lists it by prefix only, enforces scopes and revocation', async () => {
    const created = await t.api('POST', '/v1/api-keys', { body: { name: 'reader', scopes: ['read'] } });
    expect(created.status).toBe(201);
    const { key, prefix, id } = created.body;
    expect(key.startsWith(prefix + '_')).toBe(true);
    const list = await t.api('GET', '/v1/api-keys?limit=500');
    const listed = list.body.data.find((k: { id: string }) => k.id === id);
    expect(listed).toMatchObject({ name: 'reader', prefix, scopes: ['read'] });
    expect(JSON.stringify(list.body)).not.toContain(key);

    expect((await t.api('GET', '/v1/organization', { key })).status).toBe(200);
    const write = await t.api('PATCH', '/v1/organization', { key, body: { name: 'x' } });
    expect(write.status).toBe(403);
    expect(write.body.message).toContain('admin');
    expect((await t.api('GET', '/v1/api-keys', { key })).status).toBe(403);

    expect((await t.api('POST', `/v1/api-keys/${id}/revoke`)).status).toBe(201);
    expect((await t.api('GET', '/v1/organization', { key })).status).toBe(401);
  });

  it('shows a rename of the organization at once on the replica that made it (its 5 s copy is dropped)', async () => {
    const before = await t.api('GET', '/v1/organization');
    expect(before.status).toBe(200);
    const renamed = await t.api('PATCH', '/v1/organization', { body: { name: 'Renamed Hosting Ltd' } });
    expect(renamed.status).toBe(200);
    expect((await t.api('GET', '/v1/organization')).body.name).toBe('Renamed Hosting Ltd');
    await t.api('PATCH', '/v1/organization', { body: { name: before.body.name } });
    expect((await t.api('GET', '/v1/organization')).body.name).toBe(before.body.name);
  });

  it('pages lists with a cursor, each item exactly once', async () => {
    for (let i = 0; i < 5; i++) await t.api('POST', '/v1/api-keys', { body: { name: `page-${i}`, scopes: ['read'] } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { id: string }[]; nextCursor: string | null } } = await t.api('GET', `/v1/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((k) => k.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    const all = (await t.api('GET', '/v1/api-keys?limit=500')).body.data.map((k: { id: string }) => k.id);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await t.api('GET', '/v1/api-keys?cursor=garbage')).body).toMatchObject({ code: 'validation_failed', field: 'cursor' });
    expect((await t.api('GET', '/v1/api-keys?limit=0')).body).toMatchObject({ field: 'limit' });
  });

  it('honours Idempotency-Key on POST: replays the response, refuses another body', async () => {
    const headers = { 'idempotency-key': 'create-customer-1' };
    const first = await t.api('POST', '/v1/customers', { headers, body: { externalRef: 'idem-1', name: 'Idem' } });
    const again = await t.api('POST', '/v1/customers', { headers, body: { externalRef: 'idem-1', name: 'Idem' } });
    expect(first.status).toBe(201);
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const named = (await t.api('GET', '/v1/customers?limit=500')).body.data.filter((c: { externalRef: string }) => c.externalRef === 'idem-1');
    expect(named).toHaveLength(1);
    const other = await t.api('POST', '/v1/customers', { headers, body: { externalRef: 'idem-2', name: 'Other' } });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
  });

  it('returns a request id, echoing a caller-supplied one', async () => {
    const res = await t.api('GET', '/v1/organization', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
  });

  it('answers unknown routes with the error envelope', async () => {
    const res = await t.api('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });
});

describe('foundation: rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After once a key exceeds its rate', async () => {
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await t.api('GET', '/v1/organization')).status);
    expect(codes).toEqual([200, 200, 200, 429]);
    const limited = await t.api('GET', '/v1/organization');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.code).toBe('rate_limited');
  });
});
