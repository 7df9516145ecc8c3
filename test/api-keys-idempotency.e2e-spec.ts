import { startTestApp, TestApp } from './support/test-app';

// A new API key is shown once: a retry with the same Idempotency-Key must not show it again, and the idempotency
// table (kept 24 h) must never hold it.
describe('api keys: Idempotency-Key never replays or stores the secret', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const stored = async (key: string) =>
    t.db.dataSource.query(`SELECT status_code, response_body::text AS body FROM idempotency_keys WHERE key = $1`, [key]);

  it('answers the key once; a retry gets 409 already_issued with its id, and the stored row has no secret', async () => {
    const headers = { 'idempotency-key': 'issue-billing-key-1' };
    const first = await t.api('POST', '/v1/api-keys', { headers, body: { name: 'billing', scopes: ['read'] } });
    expect(first.status).toBe(201);
    expect(first.body.key).toMatch(/^hd_[a-z0-9]{8}_/);

    const again = await t.api('POST', '/v1/api-keys', { headers, body: { name: 'billing', scopes: ['read'] } });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ code: 'already_issued', message: expect.stringMatching(/already created.*not shown again/), id: first.body.id });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(JSON.stringify(again.body)).not.toContain(first.body.key.split('_')[2]);

    const rows = await stored('issue-billing-key-1');
    expect(rows).toHaveLength(1);
    expect(rows[0].status_code).toBe(409);
    expect(rows[0].body).not.toContain(first.body.key.split('_')[2]);
    expect(rows[0].body).not.toContain('"key"');

    const named = (await t.api('GET', '/v1/api-keys?limit=500')).body.data.filter((k: { name: string }) => k.name === 'billing');
    expect(named.map((k: { id: string }) => k.id)).toEqual([first.body.id]); // still one key
    const works = await t.api('GET', '/v1/organization', { key: first.body.key });
    expect(works.status).toBe(200);
  });

  it('keeps the other answers of the route as they are: a refused request replays its error', async () => {
    const headers = { 'idempotency-key': 'issue-bad-key-1' };
    const first = await t.api('POST', '/v1/api-keys', { headers, body: { name: 'bad', scopes: ['root'] } });
    expect(first.status).toBe(400);
    const again = await t.api('POST', '/v1/api-keys', { headers, body: { name: 'bad', scopes: ['root'] } });
    expect(again.status).toBe(400);
    expect(again.body).toEqual(first.body);
    const other = await t.api('POST', '/v1/api-keys', { headers, body: { name: 'other', scopes: ['read'] } });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
  });
});
