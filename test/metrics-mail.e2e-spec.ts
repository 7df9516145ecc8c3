import { dueCustomers } from './support/digest-bulk';
import { orgId, subscribe } from './support/digest-fixtures';
import { scrape, Scrape } from './support/prometheus';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { sleep, waitFor } from './support/wait';

// Mail on a dashboard, on the running service with a real SMTP server: sends by outcome and reason, and the age of
// the oldest unsent digest and alert, which keeps growing while the SMTP server is down and is 0 again after it.
describe('metrics: mail sends and unsent mail through an SMTP outage', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let org: string;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({
      SMTP_URL: sink.url, DIGEST_RETRY_DELAY_SECONDS: '1', DIGEST_RETRY_LIMIT: '20', RATE_LIMIT_PER_MINUTE: '10000',
      DELIVERY_RETRY_SCHEDULE: Array.from({ length: 30 }, () => '1').join(','),
    });
    org = await orgId(t);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  const sends = (m: Scrape, outcome: string, reason?: string) => m.value('hostdigest_mail_sends_total', { transport: 'smtp', outcome, ...(reason ? { reason } : {}) }) ?? 0;
  const digestJobs = (m: Scrape, result: string) => m.value('hostdigest_jobs_total', { job: 'digests.send', result }) ?? 0;
  const digestStatus = async (customerId: string) =>
    ((await t.db.dataSource.query(`SELECT status, failure_kind FROM digests WHERE customer_id = $1`, [customerId])) as { status: string; failure_kind: string | null }[])[0];
  const runDigest = async (customerId: string) => expect((await t.api('POST', '/v1/digests/run', { body: { customerId } })).status).toBe(202);
  const alertCustomer = async (ref: string) => {
    const c = await t.api('POST', '/v1/customers', { body: { externalRef: ref, name: `Customer ${ref}`, emails: [`it@${ref}.example`], timeZone: 'UTC' } });
    expect((await t.api('POST', `/v1/customers/${c.body.id}/sites`, { body: { domains: [`${ref}.example`] } })).status).toBe(201);
    await subscribe(t, c.body.id, { cadence: 'weekly', urgentKinds: ['detection'] });
    const res = await t.api('POST', '/v1/events', {
      body: { events: [{ source: 'scanner', externalId: `${ref}-1`, kind: 'detection', severity: 'critical', occurredAt: '2026-11-20T16:05:00Z', domain: `${ref}.example`, threatName: 'PHP.Webshell' }] },
    });
    expect(res.body.created).toBe(1);
    return c.body.id as string;
  };
  const deliveryStatus = async (customerId: string) => (await t.api('GET', `/v1/deliveries?customerId=${customerId}`)).body.data[0]?.status;

  let before: Scrape;

  it('with the server up: a sent digest counts as sent, nothing is pending', async () => {
    const [c] = await dueCustomers(t.db, org, 'up', 1);
    await runDigest(c.id);
    await waitFor(() => digestStatus(c.id), (d) => d?.status === 'sent', 'the digest sent');
    const m = (before = await scrape(t.baseUrl));
    expect(sends(m, 'sent', 'none')).toBe(1);
    expect(sends(m, 'retry')).toBe(0);
    expect(m.value('hostdigest_digests_pending')).toBe(0);
    expect(m.value('hostdigest_digests_oldest_pending_age_seconds')).toBe(0);
    expect(m.value('hostdigest_deliveries_oldest_pending_age_seconds', { destination: 'email' })).toBe(0);
    expect(digestJobs(m, 'done')).toBe(1);
  });

  let down: { digestCustomer: string; alertCustomer: string };

  it('with the server down: refused sends count as retry/connection_refused, and the oldest unsent digest and alert age while it lasts', async () => {
    await sink.stop();
    const [c] = await dueCustomers(t.db, org, 'down', 1);
    await runDigest(c.id);
    const alerted = await alertCustomer('downalert');
    down = { digestCustomer: c.id, alertCustomer: alerted };
    await waitFor(() => digestStatus(c.id), (d) => d?.status === 'failed', 'the digest refused');
    await waitFor(() => deliveryStatus(alerted), (s) => s === 'failed', 'the alert refused');

    const m1 = await scrape(t.baseUrl);
    expect(sends(m1, 'retry', 'connection_refused')).toBeGreaterThanOrEqual(2); // the digest and the alert
    expect(sends(m1, 'sent')).toBe(1);
    expect(digestJobs(m1, 'retry')).toBeGreaterThanOrEqual(1); // thrown for the engine to retry, counted as such
    expect(m1.value('hostdigest_digests_pending')).toBe(1);
    expect(m1.value('hostdigest_deliveries_pending', { destination: 'email' })).toBe(1);
    const digestAge1 = m1.value('hostdigest_digests_oldest_pending_age_seconds')!;
    const alertAge1 = m1.value('hostdigest_deliveries_oldest_pending_age_seconds', { destination: 'email' })!;
    expect(digestAge1).toBeGreaterThan(55); // due since a minute ago (dueCustomers)
    expect(alertAge1).toBeGreaterThan(0);

    await sleep(2000);
    const m2 = await scrape(t.baseUrl);
    expect(m2.value('hostdigest_digests_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(digestAge1 + 1.9);
    expect(m2.value('hostdigest_deliveries_oldest_pending_age_seconds', { destination: 'email' })).toBeGreaterThanOrEqual(alertAge1 + 1.9);
    expect(sends(m2, 'retry', 'connection_refused')).toBeGreaterThan(sends(m1, 'retry', 'connection_refused')); // retried on schedule
  });

  it('with the server back: both sent, nothing pending, the ages back to 0', async () => {
    await sink.listen();
    await waitFor(() => digestStatus(down.digestCustomer), (d) => d?.status === 'sent', 'the digest sent after the outage', 15_000);
    await waitFor(() => deliveryStatus(down.alertCustomer), (s) => s === 'delivered', 'the alert delivered after the outage', 15_000);
    const m = await scrape(t.baseUrl);
    expect(sends(m, 'sent', 'none')).toBe(sends(before, 'sent', 'none') + 2);
    expect(m.value('hostdigest_digests_pending')).toBe(0);
    expect(m.value('hostdigest_digests_oldest_pending_age_seconds')).toBe(0);
    expect(m.value('hostdigest_deliveries_pending', { destination: 'email' })).toBe(0);
    expect(m.value('hostdigest_deliveries_oldest_pending_age_seconds', { destination: 'email' })).toBe(0);
  });

  it('a recipient refused for good counts as failed/rejected, the job as failed, and is not pending', async () => {
    const [c] = await dueCustomers(t.db, org, 'refused', 1);
    sink.rejectRecipients.add(c.email.toLowerCase());
    const m0 = await scrape(t.baseUrl);
    await runDigest(c.id);
    await waitFor(() => digestStatus(c.id), (d) => d?.status === 'failed' && d.failure_kind === 'permanent', 'the permanent refusal');
    const m = await scrape(t.baseUrl);
    expect(sends(m, 'failed', 'rejected')).toBe(1);
    expect(digestJobs(m, 'failed')).toBe(digestJobs(m0, 'failed') + 1);
    expect(m.value('hostdigest_digests_pending')).toBe(0);
    expect(m.value('hostdigest_digests_oldest_pending_age_seconds')).toBe(0);
  });
});
