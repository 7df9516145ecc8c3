import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { startTestApp, TestApp } from './support/test-app';

describe('tenancy: an organization sees only its own data', () => {
  let t: TestApp;
  let keyB: string;
  beforeAll(async () => {
    t = await startTestApp();
    const orgB = await t.app.get(OrganizationsService).create('Other Hosting Ltd');
    keyB = (await t.app.get(ApiKeysService).create(orgB.id, 'b-admin', ['admin'])).key;
  });
  afterAll(() => t.close());

  it('answers 404 (not 403) for another organization’s ids and never lists them', async () => {
    const a = await t.api('POST', '/v1/api-keys', { body: { name: 'a-only', scopes: ['read'] } });
    const listB = await t.api('GET', '/v1/api-keys?limit=500', { key: keyB });
    expect(listB.body.data.map((k: { name: string }) => k.name)).toEqual(['b-admin']);
    const revoke = await t.api('POST', `/v1/api-keys/${a.body.id}/revoke`, { key: keyB });
    expect(revoke.status).toBe(404);
    expect((await t.api('GET', '/v1/organization', { key: a.body.key })).status).toBe(200);
    expect((await t.api('GET', '/v1/organization', { key: keyB })).body.name).toBe('Other Hosting Ltd');
  });
});
