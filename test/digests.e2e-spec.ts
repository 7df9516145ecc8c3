import { fixClock, customerWithSites, insertEvents, ledger, orgId, subscribe } from './support/digest-fixtures';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

// Berlin, week of Mon 16 – Sun 22 November 2026 (CET, UTC+1); the weekly digest is due Mon 23 Nov 08:00 local.
const WEEK = { start: '2026-11-15T23:00:00Z', end: '2026-11-22T23:00:00Z' };
const DUE = '2026-11-23T07:00:00Z';

describe('digests: settings, aggregation, delivery over SMTP, unsubscribe', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let org: string;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, DIGEST_RETRY_DELAY_SECONDS: '1', RATE_LIMIT_PER_MINUTE: '10000' });
    org = await orgId(t);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('stores digest settings with defaults, validates them and computes the next local send time', async () => {
    const f = await customerWithSites(t, 'settings', { sites: 0 });
    const none = await t.api('GET', `/v1/customers/${f.customerId}/digest-settings`);
    expect(none.body).toMatchObject({ cadence: 'off', sendTime: '08:00', skipWhenEmpty: true, nextDueAt: null, effective: { timeZone: 'Europe/Berlin', recipients: ['it@settings.example'] } });
    for (const [body, field] of [
      [{ cadence: 'hourly' }, 'cadence'], [{ cadence: 'weekly', sendTime: '8:00' }, 'sendTime'], [{ cadence: 'weekly', dayOfWeek: 8 }, 'dayOfWeek'],
      [{ cadence: 'daily', timeZone: 'Mars/Base' }, 'timeZone'], [{ cadence: 'daily', recipients: ['nope'] }, 'recipients'],
      [{ cadence: 'daily', urgentKinds: ['panic'] }, 'urgentKinds'], [{ cadence: 'daily', extra: 1 }, 'extra'],
    ] as const) {
      const res = await t.api('PUT', `/v1/customers/${f.customerId}/digest-settings`, { body });
      expect([res.status, res.body.field]).toEqual([400, field]);
    }
    fixClock(t, '2026-07-01T10:00:00Z');
    const put = await subscribe(t, f.customerId, { cadence: 'weekly', dayOfWeek: 1, sendTime: '08:00', recipients: ['sec@settings.example'], urgentKinds: ['detection'] });
    expect(put).toMatchObject({ cadence: 'weekly', recipients: ['sec@settings.example'], urgentKinds: ['detection'], nextDueAt: '2026-07-06T06:00:00.000Z' });
    const winter = await subscribe(t, f.customerId, { cadence: 'weekly', sendTime: '08:00', timeZone: 'Pacific/Tongatapu' });
    expect(winter.nextDueAt).toBe('2026-07-05T19:00:00.000Z'); // Monday 08:00 at UTC+13
    expect((await t.api('GET', `/v1/customers/00000000-0000-4000-8000-000000000000/digest-settings`)).status).toBe(404);
    await subscribe(t, f.customerId, { cadence: 'off' });
  });

  it('sends one branded weekly digest with both parts, unsubscribe headers and the period counts', async () => {
    fixClock(t, '2026-11-20T12:00:00Z');
    const f = await customerWithSites(t, 'bakery', { emails: ['owner@bakery.example', 'it@bakery.example'] });
    await subscribe(t, f.customerId, { cadence: 'weekly', dayOfWeek: 1, sendTime: '08:00' });
    await insertEvents(t, org, f, [
      { kind: 'detection', severity: 'critical', site: 1, at: '2026-11-18T09:00:00Z', path: '/home/bakery/public_html/wp-content/x.php', threat: 'PHP.Webshell.WSO' },
      { kind: 'cleanup', site: 1, at: '2026-11-18T10:00:00Z', path: '/home/bakery/public_html/wp-content/x.php' },
      { kind: 'detection', severity: 'high', site: 0, at: '2026-11-21T09:00:00Z', path: '/home/bakery/public_html/shell.php', threat: 'PHP.Backdoor' },
      { kind: 'detection', severity: 'medium', site: 0, at: '2026-11-10T09:00:00Z', path: '/tmp/old.php', threat: 'Old' }, // previous week
      { kind: 'detection', severity: 'high', site: 0, at: '2026-11-22T23:30:00Z', path: '/next-week.php', threat: 'Later' }, // next period
      { kind: 'protection_changed', site: 1, at: '2026-11-01T00:00:00Z', vendorType: 'protection_disabled', raw: { data: { mode: 'off' } } },
    ]);
    fixClock(t, '2026-11-23T07:00:30Z');
    const run = await t.api('POST', '/v1/digests/run', { body: {} });
    expect(run.status).toBe(202);
    expect(run.body).toMatchObject({ queued: 1, late: 0 });
    await waitFor(async () => sink.to('owner@bakery.example').length, (n) => n === 1, 'the digest mail');
    const mail = await sink.to('owner@bakery.example')[0].parse();

    expect(mail.subject).toMatch(/Weekly security summary, Nov 16\s–\s22, 2026 – 1 issue needs attention$/u);
    expect(sink.to('owner@bakery.example')[0].envelope.to.sort()).toEqual(['it@bakery.example', 'owner@bakery.example']);
    expect(mail.html).toContain('bakery.example');
    expect(mail.text).toContain('s1.bakery.example');
    expect(mail.text).toMatch(/Threats: 2 · \+1 \(\+100%\)/);
    expect(mail.text).toContain('PHP.Backdoor');
    expect(mail.text).not.toContain('Later');
    const header = (name: string) => mail.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, ' ');
    const unsubscribe = header('list-unsubscribe')!;
    expect(unsubscribe).toMatch(/^<http:\/\/localhost:\d+\/u\/[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}>$/);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    const [row] = await ledger(t, f.customerId);
    expect(row).toMatchObject({
      status: 'sent', cadence: 'weekly', periodStart: '2026-11-15T23:00:00.000Z', periodEnd: '2026-11-22T23:00:00.000Z', late: false, attempts: 1,
      messageId: mail.messageId, counts: { detections: 2, cleaned: 1, outstanding: 1, sites: 2, sitesAffected: 2 },
    });
    const detail = await t.api('GET', `/v1/digests/${row.id}`);
    expect(detail.body.html).toContain('<!doctype html>');
    expect(detail.body.text).toBe(mail.text);

    // Running again (a second scheduler tick, a retried request) sends nothing more.
    expect((await t.api('POST', '/v1/digests/run', { body: {} })).body.queued).toBe(0);
    expect((await t.api('POST', '/v1/digests/run', { body: { customerId: f.customerId } })).body).toMatchObject({ queued: 0, existing: 1 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(sink.to('owner@bakery.example')).toHaveLength(1);

    // One-click unsubscribe (RFC 8058) with no API key turns the digest off; the page shows it.
    const url = String(unsubscribe).slice(1, -1).replace(/^http:\/\/localhost:\d+/, t.baseUrl);
    const page = await fetch(url);
    expect([page.status, await page.text()]).toEqual([200, expect.stringContaining('Customer bakery')]);
    const one = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(one.status).toBe(200);
    expect((await t.api('GET', `/v1/customers/${f.customerId}/digest-settings`)).body).toMatchObject({ cadence: 'off', nextDueAt: null });
    const back = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'cadence=monthly' });
    expect(await back.text()).toContain('value="monthly" checked');
    const sig = url.slice(url.lastIndexOf('.') + 1);
    expect((await fetch(url.slice(0, url.lastIndexOf('.') + 1) + (sig[0] === 'x' ? 'y' : 'x') + sig.slice(1))).status).toBe(404);
    expect((await fetch(`${t.baseUrl}/u/not-a-token`, { method: 'POST' })).status).toBe(404);
  });

  it('previews without sending and skips an empty period (skip when empty)', async () => {
    fixClock(t, '2026-11-20T12:00:00Z');
    const f = await customerWithSites(t, 'quiet');
    await subscribe(t, f.customerId, { cadence: 'weekly' });
    await insertEvents(t, org, f, [{ kind: 'detection', severity: 'low', site: 0, at: '2026-11-12T09:00:00Z', path: '/a.php', threat: 'Low' }]);
    fixClock(t, '2026-11-23T07:01:00Z');
    const preview = await t.api('POST', '/v1/digests/preview', { body: { customerId: f.customerId, cadence: 'weekly' } });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ periodStart: '2026-11-15T23:00:00.000Z', counts: { events: 0 }, recipients: ['it@quiet.example'] });
    expect(preview.body.subject).toContain('Weekly security summary');
    expect(preview.body.html).toContain('quiet.example');
    const earlier = await t.api('POST', '/v1/digests/preview', { body: { customerId: f.customerId, at: '2026-11-12T10:00:00Z' } });
    expect(earlier.body.counts).toMatchObject({ detections: 1 });

    await t.api('POST', '/v1/digests/run', { body: { customerId: f.customerId } });
    const [row] = await waitFor(() => ledger(t, f.customerId), (r) => r[0]?.status === 'skipped', 'a skipped row');
    expect(row.lastError).toMatch(/empty/);
    expect(sink.to('it@quiet.example')).toHaveLength(0);
  });

  it('records a recipient refused with 550 as a permanent failure and does not retry it', async () => {
    fixClock(t, '2026-11-20T12:00:00Z');
    const f = await customerWithSites(t, 'bounce', { emails: ['gone@bounce.example'] });
    await subscribe(t, f.customerId, { cadence: 'weekly', skipWhenEmpty: false });
    sink.rejectRecipients.add('gone@bounce.example');
    fixClock(t, DUE);
    await t.api('POST', '/v1/digests/run', { body: { customerId: f.customerId } });
    const [row] = await waitFor(() => ledger(t, f.customerId), (r) => r[0]?.status === 'failed', 'a failed row');
    expect(row).toMatchObject({ failureKind: 'permanent', attempts: 1, rejected: ['gone@bounce.example'], lastError: expect.stringContaining('550') });
    await new Promise((r) => setTimeout(r, 2500));
    expect((await ledger(t, f.customerId))[0].attempts).toBe(1);
    sink.rejectRecipients.clear();

    // An explicit resend is a new, logged generation of the same period.
    const resent = await t.api('POST', `/v1/digests/${row.id}/resend`);
    expect(resent.status).toBe(201);
    expect(resent.body).toMatchObject({ generation: 1, resendOf: row.id, requestedBy: expect.stringMatching(/^api:/) });
    await waitFor(() => ledger(t, f.customerId), (r) => r.some((d) => d.generation === 1 && d.status === 'sent'), 'the resend');
    expect(sink.to('gone@bounce.example')).toHaveLength(1);
  });

  it('records a published template that cannot render the data as a permanent failure, not retried, nothing sent', async () => {
    fixClock(t, '2026-11-20T12:00:00Z');
    const brand = (await t.api('POST', '/v1/brands', { body: { name: 'Broken Template Hosting', senderEmail: 'noreply@broken.example' } })).body;
    const tpl = (await t.api('POST', '/v1/templates', { body: { brandId: brand.id, kind: 'digest.weekly' } })).body;
    const shipped = (await t.api('GET', '/v1/template-kinds/digest.weekly/default')).body;
    // Valid to the validator; at render time the time zone is not one Intl knows.
    const saved = await t.api('POST', `/v1/templates/${tpl.id}/versions`, {
      body: { subject: shipped.subject, text: shipped.text, mjml: shipped.mjml.replace('{{period.label}}', '{{formatDate period.start "date" timeZone="Mars/Olympus_Mons"}}'), publish: true },
    });
    expect(saved.status).toBe(201);
    const f = await customerWithSites(t, 'brokentpl', { emails: ['it@brokentpl.example'] });
    expect((await t.api('PATCH', `/v1/customers/${f.customerId}`, { body: { brandId: brand.id } })).status).toBe(200);
    await subscribe(t, f.customerId, { cadence: 'weekly', skipWhenEmpty: false });
    fixClock(t, DUE);
    await t.api('POST', '/v1/digests/run', { body: { customerId: f.customerId } });
    const [row] = await waitFor(() => ledger(t, f.customerId), (r) => r[0]?.status === 'failed', 'a failed row');
    expect(row).toMatchObject({ failureKind: 'permanent', lastError: expect.stringMatching(/^template: .*time ?zone/i) });
    await new Promise((r) => setTimeout(r, 2500));
    expect((await ledger(t, f.customerId))[0]).toMatchObject({ status: 'failed', attempts: 0 });
    expect(sink.to('it@brokentpl.example')).toHaveLength(0);
  });

  it('retries with backoff while SMTP is down and sends once when it is back', async () => {
    fixClock(t, '2026-11-20T12:00:00Z');
    const f = await customerWithSites(t, 'outage');
    await subscribe(t, f.customerId, { cadence: 'weekly', skipWhenEmpty: false });
    await sink.stop();
    fixClock(t, DUE);
    await t.api('POST', '/v1/digests/run', { body: { customerId: f.customerId } });
    const [down] = await waitFor(() => ledger(t, f.customerId), (r) => r[0]?.status === 'failed' && r[0].attempts >= 2, 'failed attempts', 30_000);
    expect(down).toMatchObject({ failureKind: 'transient', lastError: expect.stringMatching(/ECONNREFUSED|connect/i) });
    await sink.listen();
    const [sent] = await waitFor(() => ledger(t, f.customerId), (r) => r[0]?.status === 'sent', 'the send after SMTP is back', 40_000);
    expect(sent.attempts).toBeGreaterThanOrEqual(3);
    expect(sink.to('it@outage.example')).toHaveLength(1);
  });

  it('lists the ledger with filters and keeps other organizations out', async () => {
    const sent = await t.api('GET', '/v1/digests?status=sent&cadence=weekly&from=2026-11-15T00:00:00Z&to=2026-11-16T00:00:00Z');
    expect(sent.status).toBe(200);
    expect(sent.body.data.length).toBeGreaterThanOrEqual(2);
    expect(sent.body.data.every((d: { status: string; html?: string }) => d.status === 'sent' && d.html === undefined)).toBe(true);
    expect((await t.api('GET', '/v1/digests?status=lost')).status).toBe(400);
    expect((await t.api('GET', '/v1/digests/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
