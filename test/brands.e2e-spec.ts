import { generateKeyPairSync } from 'node:crypto';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { BrandsService } from '../src/brands/brands.service';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'), Buffer.alloc(64, 1)]);
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(64, 2)]);
const DKIM_KEY = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('brands: CRUD, validation, default brand, logos, DKIM, isolation', () => {
  let t: TestApp;
  let keyB: string;
  let orgId: string;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000', PUBLIC_BASE_URL: 'https://digest.operator.example' });
    const orgB = await t.app.get(OrganizationsService).create('Other Hosting Ltd');
    keyB = (await t.app.get(ApiKeysService).create(orgB.id, 'b-admin', ['admin'])).key;
    orgId = (await t.api('GET', '/v1/organization')).body.id;
  });
  afterAll(() => t.close());

  const brand = async (over: Record<string, unknown> = {}, key?: string) => {
    const res = await t.api('POST', '/v1/brands', { body: { name: 'Northwind Hosting', ...over }, key });
    expect(res.status).toBe(201);
    return res.body;
  };

  const putLogo = (id: string, body: Buffer, contentType: string, key = ADMIN_KEY) =>
    fetch(`${t.baseUrl}/v1/brands/${id}/logo`, { method: 'PUT', headers: { authorization: `Bearer ${key}`, 'content-type': contentType }, body });

  it('lists a default brand with neutral values the first time brands are listed', async () => {
    const list = await t.api('GET', '/v1/brands');
    expect(list.status).toBe(200);
    const defaults = list.body.data.filter((b: { isDefault: boolean }) => b.isDefault);
    expect(defaults).toHaveLength(1);
    const org = await t.api('GET', '/v1/organization');
    expect(defaults[0]).toMatchObject({
      name: org.body.name, senderEmail: 'no-reply@localhost', publicBaseUrl: 'https://digest.operator.example',
      version: 1, logoUrl: null, logoWidth: 140, dkim: null, replyTo: null,
    });
    // Listed again: still one.
    expect((await t.api('GET', '/v1/brands')).body.data.filter((b: { isDefault: boolean }) => b.isDefault)).toHaveLength(1);
  });

  it('creates a brand with defaults, reads, updates (version +1) and deletes it', async () => {
    const created = await brand({ primaryColor: '#0B5FFF', senderEmail: 'Security@Northwind.example', supportUrl: 'https://northwind.example/help' });
    expect(created).toMatchObject({
      name: 'Northwind Hosting', isDefault: false, version: 1, primaryColor: '#0b5fff', accentColor: '#f59e0b', logoWidth: 140,
      senderName: 'Northwind Hosting', senderEmail: 'security@northwind.example', supportUrl: 'https://northwind.example/help',
      portalUrl: '', supportEmail: null, publicBaseUrl: 'https://digest.operator.example', dkim: null,
    });
    expect((await t.api('GET', `/v1/brands/${created.id}`)).body).toMatchObject({ id: created.id, name: 'Northwind Hosting' });

    const patched = await t.api('PATCH', `/v1/brands/${created.id}`, { body: { accentColor: '#112233', replyTo: 'help@northwind.example', logoWidth: 200 } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ version: 2, accentColor: '#112233', replyTo: 'help@northwind.example', logoWidth: 200, primaryColor: '#0b5fff' });
    expect((await t.api('PATCH', `/v1/brands/${created.id}`, { body: { replyTo: null } })).body).toMatchObject({ version: 3, replyTo: null });
    // Nothing changed (empty, or the same values): the version, and so every compiled template of the brand, stays.
    expect((await t.api('PATCH', `/v1/brands/${created.id}`, { body: {} })).body).toMatchObject({ version: 3 });
    expect((await t.api('PATCH', `/v1/brands/${created.id}`, { body: { accentColor: '#112233', replyTo: null } })).body).toMatchObject({ version: 3, accentColor: '#112233' });

    expect((await t.api('DELETE', `/v1/brands/${created.id}`)).status).toBe(204);
    expect((await t.api('GET', `/v1/brands/${created.id}`)).status).toBe(404);
  });

  it('answers validation errors with the field at fault', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'name'],
      [{ name: 'x', primaryColor: 'blue' }, 'primaryColor'],
      [{ name: 'x', accentColor: '#12345' }, 'accentColor'],
      [{ name: 'x', logoUrl: 'javascript:alert(1)' }, 'logoUrl'],
      [{ name: 'x', supportUrl: 'ftp://files.example' }, 'supportUrl'],
      [{ name: 'x', publicBaseUrl: 'not a url' }, 'publicBaseUrl'],
      [{ name: 'x', senderEmail: 'nobody' }, 'senderEmail'],
      [{ name: 'x', replyTo: 'x@' }, 'replyTo'],
      [{ name: 'x', logoWidth: 500 }, 'logoWidth'],
      [{ name: 'x', logoWidth: 15 }, 'logoWidth'],
      [{ name: 'x', dkim: { domainName: 'not a domain', keySelector: 's1', privateKey: DKIM_KEY } }, 'dkim.domainName'],
      [{ name: 'x', dkim: { domainName: 'northwind.example', keySelector: 's1', privateKey: 'hunter2' } }, 'dkim.privateKey'],
      [{ name: 'x', dkim: { domainName: 'northwind.example', keySelector: 's1' } }, 'dkim.privateKey'],
      [{ name: 'x', colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const res = await t.api('POST', '/v1/brands', { body });
      expect([JSON.stringify(body), res.status, res.body.code, res.body.field]).toEqual([JSON.stringify(body), 400, 'validation_failed', field]);
    }
    const b = await brand();
    expect((await t.api('PATCH', `/v1/brands/${b.id}`, { body: { senderEmail: null } })).body).toMatchObject({ field: 'senderEmail' });
    expect((await t.api('GET', '/v1/brands/not-a-uuid')).status).toBe(400);
  });

  it('refuses to delete the default brand and a brand that customers belong to: 409', async () => {
    const list = await t.api('GET', '/v1/brands?limit=500');
    const def = list.body.data.find((b: { isDefault: boolean }) => b.isDefault);
    expect((await t.api('DELETE', `/v1/brands/${def.id}`)).body).toMatchObject({ code: 'brand_is_default' });

    const used = await brand({ name: 'Used' });
    const customer = await t.api('POST', '/v1/customers', { body: { externalRef: 'c-brand-1', name: 'Acme', brandId: used.id } });
    expect(customer.status).toBe(201);
    const del = await t.api('DELETE', `/v1/brands/${used.id}`);
    expect([del.status, del.body.code]).toEqual([409, 'brand_in_use']);
    expect((await t.api('GET', `/v1/brands/${used.id}`)).status).toBe(200);
  });

  it('stores the DKIM private key encrypted, never returns it, and decrypts it for senders only', async () => {
    const b = await brand({ dkim: { domainName: 'Northwind.example', keySelector: 'hd2026', privateKey: DKIM_KEY } });
    expect(b.dkim).toEqual({ domainName: 'northwind.example', keySelector: 'hd2026', hasPrivateKey: true });
    expect(JSON.stringify(b)).not.toContain('PRIVATE KEY');
    expect(JSON.stringify((await t.api('GET', `/v1/brands/${b.id}`)).body)).not.toContain('PRIVATE KEY');

    const [row] = await t.db.dataSource.query(`SELECT * FROM brands WHERE id = $1`, [b.id]);
    const keyBody = DKIM_KEY.split('\n')[1];
    expect(JSON.stringify(row)).not.toContain(keyBody);
    expect(row.dkim_private_key).toMatch(/^v1:/);

    const resolved = await t.app.get(BrandsService).resolve(orgId, b.id);
    expect(resolved.dkim).toEqual({ domainName: 'northwind.example', keySelector: 'hd2026', privateKey: DKIM_KEY.trim() });
  });

  it('keeps the stored DKIM key when the selector changes without one, and drops it with dkim: null', async () => {
    const b = await brand({ dkim: { domainName: 'northwind.example', keySelector: 'old', privateKey: DKIM_KEY } });
    const moved = await t.api('PATCH', `/v1/brands/${b.id}`, { body: { dkim: { domainName: 'northwind.example', keySelector: 'new' } } });
    expect(moved.body.dkim).toEqual({ domainName: 'northwind.example', keySelector: 'new', hasPrivateKey: true });
    const cleared = await t.api('PATCH', `/v1/brands/${b.id}`, { body: { dkim: null } });
    expect(cleared.body.dkim).toBeNull();
    const [row] = await t.db.dataSource.query(`SELECT dkim_private_key FROM brands WHERE id = $1`, [b.id]);
    expect(row.dkim_private_key).toBeNull();
  });

  it('resolves null to the default brand, with the values templates may show', async () => {
    const resolved = await t.app.get(BrandsService).resolve(orgId, null);
    const list = await t.api('GET', '/v1/brands?limit=500');
    const def = list.body.data.find((b: { isDefault: boolean }) => b.isDefault);
    expect(resolved).toMatchObject({ id: def.id, version: def.version, senderEmail: 'no-reply@localhost', dkim: null });
    expect(resolved.values).toEqual({
      name: def.name, logoUrl: null, logoWidth: 140, primaryColor: def.primaryColor, accentColor: def.accentColor,
      footerText: def.footerText, legalText: '', supportUrl: '', supportEmail: null, portalUrl: '', localized: {},
    });
  });

  it('takes an uploaded logo, serves it publicly with its type and cache headers, and points logoUrl at it', async () => {
    const b = await brand();
    const res = await putLogo(b.id, PNG, 'image/png');
    expect(res.status).toBe(200);
    const view = await res.json();
    expect(view).toMatchObject({ version: 2, logoUrl: `https://digest.operator.example/brand-assets/${b.id}/logo?v=2` });

    const served = await fetch(`${t.baseUrl}/brand-assets/${b.id}/logo?v=2`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);

    // A new upload is a new URL.
    const again = (await (await putLogo(b.id, JPEG, 'image/jpeg')).json()) as { logoUrl: string };
    expect(again.logoUrl).toBe(`https://digest.operator.example/brand-assets/${b.id}/logo?v=3`);
    expect((await fetch(`${t.baseUrl}/brand-assets/${b.id}/logo`)).headers.get('content-type')).toBe('image/jpeg');
  });

  it('moves the uploaded logo\'s URL along when the brand\'s public base URL changes', async () => {
    const b = await brand();
    await putLogo(b.id, PNG, 'image/png');
    const moved = await t.api('PATCH', `/v1/brands/${b.id}`, { body: { publicBaseUrl: 'https://mail.northwind.example/' } });
    expect(moved.body).toMatchObject({ version: 3, publicBaseUrl: 'https://mail.northwind.example', logoUrl: `https://mail.northwind.example/brand-assets/${b.id}/logo?v=3` });
  });

  it('refuses a logo of another type or whose bytes do not match its type: 415', async () => {
    const b = await brand();
    for (const [body, type] of [[Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml'], [JPEG, 'image/png'], [Buffer.from('<html>'), 'image/gif']] as const) {
      const res = await putLogo(b.id, body, type);
      const json = (await res.json()) as { code: string };
      expect([type, res.status, json.code]).toEqual([type, 415, 'unsupported_logo_type']);
    }
    const json = (await (await putLogo(b.id, Buffer.from('{"a":1}'), 'application/json')).json()) as object;
    expect(json).toMatchObject({ code: 'unsupported_logo_type', message: expect.stringContaining('image/png') });
    expect((await t.api('GET', `/v1/brands/${b.id}`)).body).toMatchObject({ logoUrl: null, version: 1 });
  });

  it('refuses a logo over 512 KB: 413 with the limit', async () => {
    const b = await brand();
    const res = await putLogo(b.id, Buffer.concat([PNG, Buffer.alloc(600 * 1024)]), 'image/png');
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'logo_too_large', message: expect.stringContaining('512 KB') });
  });

  it('answers 404 for a brand without an uploaded logo', async () => {
    const b = await brand();
    expect((await fetch(`${t.baseUrl}/brand-assets/${b.id}/logo`)).status).toBe(404);
  });

  it('answers 404 for another organization’s brands and never lists them', async () => {
    const b = await brand({ name: 'Mine only' });
    for (const [method, path, body] of [
      ['GET', `/v1/brands/${b.id}`],
      ['PATCH', `/v1/brands/${b.id}`, { name: 'stolen' }],
      ['DELETE', `/v1/brands/${b.id}`],
    ] as [string, string, unknown?][]) {
      expect([method, (await t.api(method, path, { key: keyB, body })).status]).toEqual([method, 404]);
    }
    expect((await putLogo(b.id, PNG, 'image/png', keyB)).status).toBe(404);
    const listB = await t.api('GET', '/v1/brands?limit=500', { key: keyB });
    expect(listB.body.data.map((x: { name: string }) => x.name)).toEqual(['Other Hosting Ltd']);
    // Not even a row written past the API can name another organization's brand.
    const orgB = (await t.api('GET', '/v1/organization', { key: keyB })).body.id;
    await expect(t.db.dataSource.query(`INSERT INTO customers (organization_id, external_ref, name, brand_id) VALUES ($1, 'sneaky', 'x', $2)`, [orgB, b.id]))
      .rejects.toThrow(/customers_brand_fk/);
    await expect(t.app.get(BrandsService).resolve((await t.api('GET', '/v1/organization', { key: keyB })).body.id, b.id)).rejects.toMatchObject({ status: 404 });
  });
});
