import { Client } from 'pg';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { FakeMonarxServer } from './fakes/fake-monarx-server';
import { AGENT } from './support/monarx-records';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

// env:NAME credential references: a tenant names the variable, so only names the operator granted to its organization
// resolve, the service's own settings never do, and a name that cannot be used gives one answer whatever the reason.
const ORG_A = 'aaaaaaaa-0000-4000-8000-00000000000a';
const ORG_B = 'bbbbbbbb-0000-4000-8000-00000000000b';
const SECRET_KEY = 'test-secret-key-material-0123456789'; // startTestApp's HOSTDIGEST_SECRET_KEY

describe('env:NAME credential references', () => {
  let t: TestApp;
  let fake: FakeMonarxServer;
  let baseUrl: string;
  let databaseUrl: string;
  let keyB: string;
  let writeKeyA: string;

  beforeAll(async () => {
    fake = new FakeMonarxServer({ apiId: 'granted-api-id', apiKey: 'granted-api-secret' });
    baseUrl = await fake.start();
    fake.addAgents([AGENT]);
    // Two organizations with known ids, so that the operator's grants can name them before the service starts.
    databaseUrl = await createTestDatabase();
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query(`INSERT INTO organizations (id, name, is_default) VALUES ($1, 'A', true), ($2, 'B', false)`, [ORG_A, ORG_B]);
    await db.end();
    t = await startTestApp(
      {
        MONARX_ID: fake.apiId,
        MONARX_SECRET: fake.apiKey,
        B_ONLY: 'for-b',
        SET_BUT_UNGRANTED: 'exists',
        ENV_REFERENCE_GRANTS: `${ORG_A}:MONARX_ID,GRANTED_BUT_UNSET; ${ORG_B}:B_ONLY; *:MONARX_SECRET`,
      },
      { databaseUrl },
    );
    keyB = (await t.app.get(ApiKeysService).create(ORG_B, 'b admin', ['admin'])).key;
    writeKeyA = (await t.api('POST', '/v1/api-keys', { body: { name: 'writer', scopes: ['write'] } })).body.key;
  });
  afterAll(async () => {
    await t.close();
    await dropTestDatabase(databaseUrl);
    await fake.stop();
  });

  const create = (credentials: Record<string, string>, key = ADMIN_KEY) =>
    t.api('POST', '/v1/vendor-accounts', { key, body: { vendor: 'monarx', name: 'env', baseUrl, settings: { enterpriseId: fake.enterpriseId }, credentials } });
  // The answer with the variable's name taken out: what must not differ between "not granted" and "not set".
  const anonymous = (body: { message: string }, name: string) => ({ ...body, message: body.message.split(name).join('<NAME>') });
  const sentHeaders = () => fake.requests.flatMap((r) => [r.headers['x-api-id'], r.headers['x-api-key']]);

  it("refuses the service's own secrets, with the answer of a name that does not exist, and sends nothing", async () => {
    const missing = await create({ apiId: 'env:NEVER_SET_ANYWHERE', apiSecret: 'plain' });
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({ code: 'secret_unavailable', message: expect.stringContaining('env:NEVER_SET_ANYWHERE is not available to this organization'), field: 'credentials.apiId' });
    for (const [name, key] of [['HOSTDIGEST_ADMIN_KEY', ADMIN_KEY], ['HOSTDIGEST_SECRET_KEY', ADMIN_KEY], ['DATABASE_URL', ADMIN_KEY], ['HOSTDIGEST_ADMIN_KEY', keyB], ['HOSTDIGEST_SECRET_KEY', keyB]]) {
      const res = await create({ apiId: `env:${name}`, apiSecret: 'plain' }, key);
      expect({ name, status: res.status }).toEqual({ name, status: 422 });
      expect(anonymous(res.body, name)).toEqual(anonymous(missing.body, 'NEVER_SET_ANYWHERE'));
    }
    const byWriter = await create({ apiId: 'env:HOSTDIGEST_ADMIN_KEY', apiSecret: 'env:HOSTDIGEST_SECRET_KEY' }, writeKeyA);
    expect(byWriter.status).toBe(403);
    expect((await t.api('GET', '/v1/vendor-accounts')).body.data).toEqual([]);
    expect((await t.api('GET', '/v1/vendor-accounts', { key: keyB })).body.data).toEqual([]);
    expect(sentHeaders()).not.toContain(ADMIN_KEY);
    expect(sentHeaders()).not.toContain(SECRET_KEY);
  });

  it('answers a name that is set but not granted exactly as one that is not set, granted or not', async () => {
    const answers = await Promise.all(
      ['SET_BUT_UNGRANTED', 'GRANTED_BUT_UNSET', 'NEVER_SET_ANYWHERE'].map(async (name) => {
        const res = await create({ apiId: `env:${name}`, apiSecret: 'plain' });
        return { status: res.status, body: anonymous(res.body, name) };
      }),
    );
    expect(answers[0].status).toBe(422);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(JSON.stringify(answers[0])).not.toMatch(/exists|not set on/);
  });

  it("refuses another organization's grant", async () => {
    const bUsesA = await create({ apiId: 'env:MONARX_ID', apiSecret: 'env:MONARX_SECRET' }, keyB);
    expect(bUsesA.status).toBe(422);
    expect(anonymous(bUsesA.body, 'MONARX_ID')).toEqual(anonymous((await create({ apiId: 'env:NEVER_SET_ANYWHERE', apiSecret: 'x' }, keyB)).body, 'NEVER_SET_ANYWHERE'));
    const aUsesB = await create({ apiId: 'env:B_ONLY', apiSecret: 'plain' });
    expect(aUsesB.body).toMatchObject({ code: 'secret_unavailable', field: 'credentials.apiId' });
    // B's own grant and the grant to every organization work for B
    const own = await create({ apiId: 'env:B_ONLY', apiSecret: 'env:MONARX_SECRET' }, keyB);
    expect(own.status).toBe(201);
    expect(own.body.credentials).toEqual({ apiId: 'env:B_ONLY', apiSecret: 'env:MONARX_SECRET' });
  });

  it('needs an admin key to set an env reference or to move credentials that hold one (baseUrl, settings)', async () => {
    const res = await create({ apiId: 'env:MONARX_ID', apiSecret: 'env:MONARX_SECRET' }, writeKeyA);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ code: 'forbidden', message: expect.stringMatching(/only an API key with the "admin" scope may set an env:NAME credential reference/), field: 'credentials.apiId' });

    const plain = await create({ apiId: fake.apiId, apiSecret: fake.apiKey }, writeKeyA); // values themselves: fine
    expect(plain.status).toBe(201);
    const patched = await t.api('PATCH', `/v1/vendor-accounts/${plain.body.id}`, { key: writeKeyA, body: { credentials: { apiSecret: 'env:MONARX_SECRET' } } });
    expect(patched.status).toBe(403);
    expect(patched.body.code).toBe('forbidden');

    const byAdmin = await create({ apiId: 'env:MONARX_ID', apiSecret: 'env:MONARX_SECRET' });
    expect(byAdmin.status).toBe(201);
    const moved = await t.api('PATCH', `/v1/vendor-accounts/${byAdmin.body.id}`, { key: writeKeyA, body: { baseUrl: 'http://127.0.0.1:9/collect' } });
    expect(moved.status).toBe(403);
    expect(moved.body).toMatchObject({ code: 'forbidden', field: 'baseUrl', message: expect.stringMatching(/change where env:NAME credentials are sent/) });
    const viaShape = await t.api('PATCH', `/v1/vendor-accounts/${byAdmin.body.id}`, {
      key: writeKeyA,
      body: { settings: { enterpriseId: fake.enterpriseId, apiShape: { baseUrl: 'http://127.0.0.1:9/collect' } } },
    });
    expect(viaShape.status).toBe(403);
    expect(viaShape.body).toMatchObject({ code: 'forbidden', field: 'settings' });
    const after = (await t.api('GET', `/v1/vendor-accounts/${byAdmin.body.id}`)).body;
    expect(after).toMatchObject({ baseUrl, settings: { enterpriseId: fake.enterpriseId } });
    expect(after.settings.apiShape).toBeUndefined();
    const renamed = await t.api('PATCH', `/v1/vendor-accounts/${byAdmin.body.id}`, { key: writeKeyA, body: { name: 'renamed' } });
    expect(renamed.status).toBe(200);

    const dkim = await t.api('GET', '/v1/brands').then((r) => r.body.data[0]);
    const brand = await t.api('PATCH', `/v1/brands/${dkim.id}`, { key: writeKeyA, body: { dkim: { domainName: 'example.com', keySelector: 's1', privateKey: 'env:MONARX_SECRET' } } });
    expect(brand.status).toBe(403);
    expect(brand.body).toMatchObject({ code: 'forbidden', field: 'dkim.privateKey' });
  });

  it('resolves a granted name end to end: the vendor test reaches the target with its value', async () => {
    const res = await create({ apiId: 'env:MONARX_ID', apiSecret: 'env:MONARX_SECRET' });
    expect(res.status).toBe(201);
    expect(res.body.credentials).toEqual({ apiId: 'env:MONARX_ID', apiSecret: 'env:MONARX_SECRET' });
    fake.requests = [];
    const test = await t.api('POST', `/v1/vendor-accounts/${res.body.id}/test`);
    expect(test.body).toMatchObject({ ok: true });
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.requests[0].headers).toMatchObject({ 'x-api-id': 'granted-api-id', 'x-api-key': 'granted-api-secret' });
  });

  it('does not resolve a stored reference the organization may not use (stored before, or grant withdrawn): one answer, nothing sent', async () => {
    const res = await create({ apiId: 'env:MONARX_ID', apiSecret: 'env:MONARX_SECRET' });
    const test = async (credentials: Record<string, string>) => {
      await t.db.dataSource.query(`UPDATE vendor_accounts SET credentials = $2 WHERE id = $1`, [res.body.id, JSON.stringify(credentials)]);
      return (await t.api('POST', `/v1/vendor-accounts/${res.body.id}/test`)).body;
    };
    fake.requests = [];
    const own = await test({ apiId: 'env:HOSTDIGEST_ADMIN_KEY', apiSecret: 'env:MONARX_SECRET' });
    const ungranted = await test({ apiId: 'env:SET_BUT_UNGRANTED', apiSecret: 'env:MONARX_SECRET' });
    const unset = await test({ apiId: 'env:GRANTED_BUT_UNSET', apiSecret: 'env:MONARX_SECRET' });
    expect(own).toEqual({ ok: false, message: expect.stringContaining('env:HOSTDIGEST_ADMIN_KEY is not available to this organization') });
    expect(anonymous(ungranted, 'SET_BUT_UNGRANTED')).toEqual(anonymous(own, 'HOSTDIGEST_ADMIN_KEY'));
    expect(anonymous(unset, 'GRANTED_BUT_UNSET')).toEqual(anonymous(own, 'HOSTDIGEST_ADMIN_KEY'));
    expect(fake.requests).toEqual([]);
  });
});
