import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { startTestApp, TestApp } from './support/test-app';

const HEADER = 'external_ref,name,emails,locale,time_zone,status,domains,server,account_user,vendor_site_ids';

describe('customers: CSV import and export', () => {
  let t: TestApp;
  let key: string; // a fresh organization per test keeps the counts exact
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000' });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    const org = await t.app.get(OrganizationsService).create(`csv ${expect.getState().currentTestName}`);
    key = (await t.app.get(ApiKeysService).create(org.id, 'admin', ['admin'])).key;
  });

  const importCsv = (csv: string, mode?: string) =>
    t.api('POST', `/v1/customers/import${mode ? `?mode=${mode}` : ''}`, { raw: csv, headers: { 'content-type': 'text/csv' }, key });
  const customers = async () => (await t.api('GET', '/v1/customers?limit=500', { key })).body.data;
  const sites = async () => (await t.api('GET', '/v1/sites?limit=500', { key })).body.data;

  // Line 2 holds a quoted name spanning three physical lines, so the bad row is on line 5, not the 3rd record.
  const withBadRow = [
    HEADER,
    'c-1,"Acme Bakery',
    'Second floor',
    'Ltd",owner@acme.example,en,Europe/Berlin,active,acme.example;www.acme.example,web01,acme,',
    'c-2,Bob,not-an-email,en,UTC,active,bob.example,,,',
    'c-3,Carol,carol@carol.example,de,Mars/Base,active,,,,',
  ].join('\n');

  it('points rejected rows at their physical line and column, and writes nothing in atomic mode', async () => {
    const res = await importCsv(withBadRow);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ mode: 'atomic', created: 0, sitesCreated: 0 });
    expect(res.body.rejected).toEqual([
      { line: 5, field: 'emails', reason: expect.stringContaining('"not-an-email"') },
      { line: 6, field: 'time_zone', reason: expect.stringContaining('Mars/Base') },
    ]);
    expect(await customers()).toEqual([]);
  });

  it('writes the valid rows in per-row mode and reports the others', async () => {
    const res = await importCsv(withBadRow, 'per-row');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'per-row', created: 1, updated: 0, unchanged: 0, sitesCreated: 1 });
    expect(res.body.rejected.map((r: { line: number }) => r.line)).toEqual([5, 6]);
    const [acme] = await customers();
    expect(acme).toMatchObject({ externalRef: 'c-1', name: 'Acme Bakery\nSecond floor\nLtd', emails: ['owner@acme.example'], timeZone: 'Europe/Berlin' });
    expect((await sites())[0]).toMatchObject({ customerId: acme.id, domains: ['acme.example', 'www.acme.example'], server: 'web01', accountUser: 'acme' });
  });

  it('is idempotent on external_ref: the same file twice creates nothing the second time', async () => {
    const csv = [
      HEADER,
      'c-1,Acme,a@acme.example;b@acme.example,en,UTC,active,acme.example,web01,acme,mx-1',
      'c-1,,,,,,shop.acme.example,,,',
      'c-2,Bob,,,,,,web02,bob,',
      'c-3,Carol,,fr,Europe/Paris,suspended,,,,',
    ].join('\r\n');
    const first = await importCsv(csv);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 3, updated: 0, unchanged: 0, sitesCreated: 3, sitesUpdated: 0, rejected: [] });
    const again = await importCsv(csv);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 3, sitesCreated: 0, sitesUpdated: 0, sitesUnchanged: 3 });
    expect(await customers()).toHaveLength(3);
    expect(await sites()).toHaveLength(3);

    const changed = await importCsv([HEADER, 'c-1,Acme Ltd,a@acme.example;b@acme.example,en,UTC,active,acme.example,web01,acme,mx-1;mx-2'].join('\n'));
    expect(changed.body).toMatchObject({ created: 0, updated: 1, sitesUpdated: 1, sitesCreated: 0 });
    expect((await t.api('GET', '/v1/sites?domain=acme.example', { key })).body.data[0].vendorSiteIds).toEqual(['mx-1', 'mx-2']);
  });

  it('rejects site keys that clash with another site or an earlier row', async () => {
    const c = (await t.api('POST', '/v1/customers', { key, body: { externalRef: 'held', name: 'Holder' } })).body;
    const s = (await t.api('POST', `/v1/customers/${c.id}/sites`, { key, body: { domains: ['taken.example'] } })).body;
    const res = await importCsv([HEADER, 'c-1,One,,,,,one.example,,,', 'c-2,Two,,,,,taken.example,,,', 'c-3,Three,,,,,ONE.example,,,'].join('\n'), 'per-row');
    expect(res.body.rejected).toEqual([
      { line: 3, field: 'domains', reason: `domain taken.example already belongs to site ${s.id}` },
      { line: 4, field: 'domains', reason: 'domain one.example is also given on line 2' },
    ]);
    expect(res.body.created).toBe(1);
  });

  it('refuses unknown columns, a missing header column, a non-CSV body and an unreadable file', async () => {
    const unknown = await importCsv('external_ref,name,phone,fax\nc-1,a,1,2');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ field: 'header', message: expect.stringContaining('"phone", "fax"') });
    expect((await importCsv('external_ref,emails\nc-1,a@b.example')).body).toMatchObject({ field: 'header', message: expect.stringContaining('name') });
    const json = await t.api('POST', '/v1/customers/import', { key, body: { externalRef: 'x' } });
    expect(json.status).toBe(415);
    const broken = await importCsv(`${HEADER}\nc-1,"unclosed,,,,,,,,,\n`);
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('invalid_csv');
    expect((await importCsv('external_ref,name\nc-1,a', 'all-or-nothing')).body.field).toBe('mode');
  });

  it('refuses more than 50,000 rows with a clear error', async () => {
    const rows = Array.from({ length: 50_001 }, (_, i) => `r${i},n`);
    const res = await importCsv(['external_ref,name', ...rows].join('\n'));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'too_many_rows', message: expect.stringContaining('50,000') });
  });

  it('exports every customer and site so that the export imports back unchanged', async () => {
    const csv = [
      HEADER,
      'c-1,"Acme, ""the"" bakery",a@acme.example,en-GB,Europe/London,active,acme.example;www.acme.example,web01,acme,mx-1',
      'c-1,,,,,,shop.acme.example,,,',
      'c-2,Bob,,,,closed,,,,',
    ].join('\n');
    expect((await importCsv(csv)).status).toBe(200);
    const exported = await t.api('GET', '/v1/customers/export', { key });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toContain('text/csv');
    const lines = (exported.body as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines).toHaveLength(4);
    expect(lines).toContain('c-2,Bob,,en,UTC,closed,,,,');
    expect(lines).toContain('c-1,"Acme, ""the"" bakery",a@acme.example,en-GB,Europe/London,active,acme.example;www.acme.example,web01,acme,mx-1');

    const back = await importCsv(exported.body);
    expect(back.body).toMatchObject({ created: 0, updated: 0, unchanged: 2, sitesCreated: 0, sitesUpdated: 0, sitesUnchanged: 2, rejected: [] });

    // And into an empty organization it recreates the same data.
    const other = await t.app.get(OrganizationsService).create('copy');
    key = (await t.app.get(ApiKeysService).create(other.id, 'admin', ['admin'])).key;
    expect((await importCsv(exported.body)).body).toMatchObject({ created: 2, sitesCreated: 2 });
    expect((await t.api('GET', '/v1/customers/export', { key })).body).toBe(exported.body);
  });
});
