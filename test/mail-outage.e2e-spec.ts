import { dueCustomers } from './support/digest-bulk';
import { orgId, subscribe } from './support/digest-fixtures';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { sleep, waitFor } from './support/wait';

// SMTP outages against the running service, on a real SMTP server process stopped and started on its port: every
// digest and urgent alert is delivered exactly once when the server answers again, without a restart, and each
// failed try is recorded as a refused connection. (nodemailer's pool kept the slot of every refused connect: five
// of them, in one outage or spread over five, stopped all mail until a restart.)
describe('mail: SMTP outages mid-run and repeated outages, no restart', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let org: string;
  let seq = 0;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({
      SMTP_URL: sink.url, DIGEST_RETRY_DELAY_SECONDS: '1', DIGEST_RETRY_LIMIT: '12', RATE_LIMIT_PER_MINUTE: '10000',
      DELIVERY_RETRY_SCHEDULE: Array.from({ length: 30 }, () => '1').join(','),
    });
    org = await orgId(t);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  // A customer whose detections are urgent (one e-mail each at once, through the deliveries pipeline).
  const alertCustomer = async (ref: string) => {
    const c = await t.api('POST', '/v1/customers', { body: { externalRef: ref, name: `Customer ${ref}`, emails: [`it@${ref}.example`], timeZone: 'UTC' } });
    expect(c.status).toBe(201);
    expect((await t.api('POST', `/v1/customers/${c.body.id}/sites`, { body: { domains: [`${ref}.example`] } })).status).toBe(201);
    await subscribe(t, c.body.id, { cadence: 'weekly', urgentKinds: ['detection'] });
    return c.body.id as string;
  };
  const alert = async (ref: string) => {
    const res = await t.api('POST', '/v1/events', {
      body: { events: [{ source: 'scanner', externalId: `o-${seq++}`, kind: 'detection', severity: 'critical', occurredAt: '2026-11-20T16:05:00Z', domain: `${ref}.example`, threatName: 'PHP.Webshell' }] },
    });
    expect([res.status, res.body.created]).toEqual([200, 1]);
  };
  const deliveries = async (customerId: string) => (await t.api('GET', `/v1/deliveries?customerId=${customerId}`)).body.data as any[];
  const attempts = async (deliveryId: string) => (await t.api('GET', `/v1/deliveries/${deliveryId}`)).body.attemptLog as any[];
  const digests = async (customerIds: string[]) =>
    (await t.db.dataSource.query(`SELECT customer_id, status, attempts, last_error FROM digests WHERE customer_id = ANY($1::uuid[])`, [customerIds])) as any[];
  const refused = /^connection refused: connect ECONNREFUSED 127\.0\.0\.1:\d+/;

  it('the server down for a while in the middle of a digest run, alerts pushed meanwhile: each mail once when it is back', async () => {
    const customers = await dueCustomers(t.db, org, 'mid', 80);
    const alerts = ['midalert1', 'midalert2', 'midalert3'];
    const alertIds = await Promise.all(alerts.map(alertCustomer));
    sink.delayMs = 30; // a run that takes a moment, so that it is cut in the middle
    expect((await t.api('POST', '/v1/digests/run', { body: {} })).status).toBe(202);
    await waitFor(async () => sink.received.length, (n) => n >= 10, 'the run under way', 20_000);
    await sink.stop();
    const downAt = Date.now();
    const before = sink.received.length;
    expect(before).toBeLessThan(80); // stopped mid-run
    for (const ref of alerts) await alert(ref);

    // While it is down: failed tries are recorded as what they were, retried on the schedule, none given up.
    // (Sends in flight at the stop got the server's "421 Server shutting down"; the later ones find nothing listening.)
    const failedDigests = await waitFor(() => digests(customers.map((c) => c.id)), (rows) => rows.some((r) => r.status === 'failed' && refused.test(r.last_error)), 'a refused digest', 15_000);
    for (const r of failedDigests.filter((x) => x.status === 'failed')) expect(r.last_error).toMatch(new RegExp(`${refused.source}|: 421 Server shutting down`));
    const failedAlerts = await waitFor(async () => (await Promise.all(alertIds.map(deliveries))).flat(), (d) => d.length === 3 && d.every((x) => x.status === 'failed'), 'the alerts failing');
    for (const d of failedAlerts) expect(d.lastError).toMatch(refused);
    // Down for at least 3 s, and until each alert has been refused twice (retried on its schedule meanwhile).
    await sleep(Math.max(0, 3000 - (Date.now() - downAt)));
    const during = await waitFor(() => Promise.all(alertIds.map(async (id) => (await attempts((await deliveries(id))[0].id)).filter((a) => a.outcome))),
      (logs) => logs.every((log) => log.length >= 2), 'two refused attempts per alert', 15_000);
    process.stdout.write(`alert attempts during the outage: ${JSON.stringify(during.map((l) => l.map((a: any) => a.startedAt)))} (down at ${new Date(downAt).toISOString()})\n`);
    for (const log of during) {
      for (const a of log) {
        expect(a).toMatchObject({ outcome: 'transient_error', error: expect.stringMatching(refused), response: expect.objectContaining({ failure: 'connection_refused' }) });
      }
    }
    expect(sink.received.length).toBe(before);

    sink.delayMs = 0;
    const downMs = Date.now() - downAt;
    await sink.listen();
    const ids = customers.map((c) => c.id);
    await waitFor(() => digests(ids), (rows) => rows.length === 80 && rows.every((r) => r.status === 'sent'), 'every digest sent after the outage', 25_000).catch(async (e) => {
      const rows = await t.db.dataSource.query(`SELECT status, attempts, last_error, updated_at FROM digests WHERE customer_id = ANY($1::uuid[]) AND status <> 'sent'`, [ids]);
      const jobs = await t.db.dataSource.query(`SELECT state, retry_count, retry_limit, start_after, now() AS now, output FROM pgboss.job WHERE name = 'digests.send' AND data->>'digestId' IN (SELECT id::text FROM digests WHERE status <> 'sent' AND customer_id = ANY($1::uuid[])) LIMIT 5`, [ids]);
      throw new Error(`${e.message.slice(0, 60)} (down ${downMs} ms): ${JSON.stringify(rows).slice(0, 1500)} ${JSON.stringify(jobs)}`);
    });
    const delivered = await waitFor(async () => (await Promise.all(alertIds.map(deliveries))).flat(), (d) => d.length === 3 && d.every((x) => x.status === 'delivered'), 'every alert delivered', 15_000);
    await sleep(500);
    expect(customers.map((c) => sink.to(c.email).length)).toEqual(customers.map(() => 1));
    expect(alerts.map((ref) => sink.to(`it@${ref}.example`).length)).toEqual([1, 1, 1]);
    expect(Math.max(...delivered.map((d) => d.attempts))).toBeGreaterThanOrEqual(3);
    const retried = (await digests(ids)).filter((r) => r.attempts > 1).length;
    process.stdout.write(`mid-run outage of ${downMs} ms: ${before} of 80 digests before it, ${retried} retried after it; alerts took up to ${Math.max(...delivered.map((d) => d.attempts))} attempts\n`);
  }, 60_000);

  it('six separate short outages, a digest and an alert refused in each: each delivered once after each, and the next mail at once', async () => {
    const alertIds: string[] = [];
    const customers: { id: string; email: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const ref = `rep${i}`;
      alertIds.push(await alertCustomer(ref));
      await sink.stop();
      const [c] = await dueCustomers(t.db, org, `rep${i}-`, 1);
      customers.push(c);
      expect((await t.api('POST', '/v1/digests/run', { body: { customerId: c.id } })).status).toBe(202);
      await alert(ref);
      const [d] = await waitFor(() => digests([c.id]), (r) => r[0]?.status === 'failed', `digest refused in outage ${i + 1}`);
      expect(d.last_error).toMatch(refused);
      const [a] = await waitFor(() => deliveries(alertIds[i]), (r) => r[0]?.status === 'failed', `alert refused in outage ${i + 1}`);
      expect(a.lastError).toMatch(refused);
      await sink.listen();
      await waitFor(() => digests([c.id]), (r) => r[0]?.status === 'sent', `digest sent after outage ${i + 1}`, 15_000);
      await waitFor(() => deliveries(alertIds[i]), (r) => r[0]?.status === 'delivered', `alert delivered after outage ${i + 1}`, 15_000);
    }
    // After six outages (12+ refused connects) the service sends the next mail straight away.
    const started = Date.now();
    const [fresh] = await dueCustomers(t.db, org, 'after', 1);
    expect((await t.api('POST', '/v1/digests/run', { body: { customerId: fresh.id } })).status).toBe(202);
    await waitFor(async () => sink.to(fresh.email).length, (n) => n === 1, 'the mail after the outages', 5_000);
    const ms = Date.now() - started;
    await sleep(500);
    expect(customers.map((c) => sink.to(c.email).length)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(alertIds.map((_, i) => sink.to(`it@rep${i}.example`).length)).toEqual([1, 1, 1, 1, 1, 1]);
    const digestAttempts = (await digests(customers.map((c) => c.id))).map((r) => r.attempts);
    expect(digestAttempts.every((n) => n >= 2)).toBe(true); // each was refused at least once
    process.stdout.write(`six outages: digest attempts ${JSON.stringify(digestAttempts)}; the next mail after them took ${ms} ms\n`);
  }, 60_000);
});
