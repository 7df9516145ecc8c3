import { simpleParser } from 'mailparser';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { customerWithSites, fixClock, ledger, subscribe } from './support/digest-fixtures';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

// No SMTP_URL: the embedded default writes each message as an .eml file under DATA_DIR/outbox, listed by the API.
describe('digests without SMTP: the outbox folder', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000' });
  });
  afterAll(() => t.close());

  it('writes the digest as an .eml file that GET /v1/outbox lists and serves to its organization only', async () => {
    fixClock(t, '2026-11-20T12:00:00Z');
    const f = await customerWithSites(t, 'outbox');
    await subscribe(t, f.customerId, { cadence: 'weekly', skipWhenEmpty: false });
    fixClock(t, '2026-11-23T07:00:30Z');
    await t.api('POST', '/v1/digests/run', { body: { customerId: f.customerId } });
    const [row] = await waitFor(() => ledger(t, f.customerId), (r) => r[0]?.status === 'sent', 'the digest in the outbox');
    const list = await t.api('GET', '/v1/outbox');
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    const entry = list.body.data[0];
    expect(entry).toMatchObject({ to: 'it@outbox.example', messageId: row.messageId, subject: expect.stringContaining('Weekly security summary') });
    const file = await fetch(`${t.baseUrl}/v1/outbox/${entry.file}`, { headers: { authorization: `Bearer ${(await import('./support/test-app')).ADMIN_KEY}` } });
    expect(file.headers.get('content-type')).toContain('message/rfc822');
    const mail = await simpleParser(Buffer.from(await file.arrayBuffer()));
    expect(mail.text).toContain('outbox.example');
    expect(mail.html).toContain('<!doctype html>');
    expect(mail.headerLines.some((h) => h.key === 'list-unsubscribe-post')).toBe(true);

    const other = await t.app.get(OrganizationsService).create('Other Hosting');
    const key = (await t.app.get(ApiKeysService).create(other.id, 'other', ['admin'])).key;
    expect((await t.api('GET', '/v1/outbox', { key })).body.data).toEqual([]);
    expect((await t.api('GET', `/v1/outbox/${entry.file}`, { key })).status).toBe(404);
    expect((await t.api('GET', '/v1/outbox/..%2Fsecret.key')).status).toBe(404);
  });
});
