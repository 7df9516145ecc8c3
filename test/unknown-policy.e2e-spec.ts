import { DeliveryLedger } from '../src/deliveries/delivery-ledger';
import { SweepDeliveriesJob } from '../src/deliveries/delivery-job-handlers';
import { DigestLedger } from '../src/digests/digest-ledger';
import { dueCustomers } from './support/digest-bulk';
import { orgId, subscribe } from './support/digest-fixtures';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { sleep, waitFor } from './support/wait';

const FAST = { DIGEST_RETRY_DELAY_SECONDS: '1', DELIVERY_RETRY_SCHEDULE: '1,1,1,1,1', DELIVERY_LEASE_SECONDS: '5', RATE_LIMIT_PER_MINUTE: '10000' };

// A send cut off after its claim (kill -9 mid-SMTP): DIGEST_UNKNOWN_POLICY / DELIVERY_INTERRUPTED_POLICY decide
// whether it is sent once more, on its own, under the same Message-ID (`resend`, the default) or held for the
// operator (`hold`). The crash is the ledger state a killed process leaves behind (claimed, lease run out, never
// recorded as sent), or a claim that dies, as in the other crash tests.
describe('sends cut off mid-way: DIGEST_UNKNOWN_POLICY and DELIVERY_INTERRUPTED_POLICY', () => {
  let sink: SmtpSink;
  let databaseUrl: string;
  let a: TestApp; // resend (the default), with b on the same database
  let b: TestApp;
  let hold: TestApp; // hold, on its own database
  let seq = 0;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    databaseUrl = await createTestDatabase();
    a = await startTestApp({ SMTP_URL: sink.url, ...FAST }, { databaseUrl }); // then b: bootstrap of a fresh database is a's
    [b, hold] = await Promise.all([
      startTestApp({ SMTP_URL: sink.url, ...FAST }, { databaseUrl }),
      startTestApp({ SMTP_URL: sink.url, ...FAST, DIGEST_UNKNOWN_POLICY: 'hold' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), hold?.close()]);
    await dropTestDatabase(databaseUrl);
    await sink.stop();
  });

  const rows = async (t: TestApp, customerIds: string[]) =>
    (await t.db.dataSource.query(
      `SELECT id, customer_id AS "customerId", status FROM digests WHERE customer_id = ANY($1::uuid[]) ORDER BY customer_id`, [customerIds],
    )) as { id: string; customerId: string; status: string }[];
  const view = async (t: TestApp, id: string) => (await t.api('GET', `/v1/digests/${id}`)).body;
  const messageIds = (email: string) => Promise.all(sink.to(email).map(async (m) => (await m.parse()).messageId));
  // Digests of n new customers, sent normally: one mail each.
  const sentDigests = async (t: TestApp, prefix: string, n: number) => {
    const customers = await dueCustomers(t.db, await orgId(t), prefix, n);
    expect((await t.api('POST', '/v1/digests/run', { body: {} })).status).toBe(202);
    await waitFor(() => rows(t, customers.map((c) => c.id)), (r) => r.length === n && r.every((x) => x.status === 'sent'), 'the digests sent');
    return customers;
  };
  // What kill -9 between the claim and the `sent` update leaves: claimed (attempt counted), lease run out, not sent.
  const killMidSend = (t: TestApp, customerIds: string[]) =>
    t.db.dataSource.query(
      `UPDATE digests SET status = 'sending', attempts = attempts + 1, lease_owner = 'killed:4242', lease_until = now() - interval '1 second', sent_at = NULL
       WHERE customer_id = ANY($1::uuid[])`, [customerIds],
    );
  const tick = async (t: TestApp) => expect((await t.api('POST', '/v1/digests/run', { body: {} })).status).toBe(202);

  it('resend: a digest cut off mid-send is sent once more under the same Message-ID; cut off again, it stays unknown', async () => {
    const [c] = await sentDigests(a, 'resend', 1);
    const [row] = await rows(a, [c.id]);
    const first = await view(a, row.id);
    expect(await messageIds(c.email)).toEqual([first.messageId]);

    await killMidSend(a, [c.id]);
    await tick(a); // the scheduler's sweep (every minute) finds it
    await waitFor(() => view(a, row.id), (d) => d.status === 'sent', 'the resend');
    await waitFor(async () => sink.to(c.email).length, (n) => n === 2, 'the second copy');
    expect(await messageIds(c.email)).toEqual([first.messageId, first.messageId]);
    const resent = await view(a, row.id);
    expect(resent).toMatchObject({ status: 'sent', interruptions: 1, attempts: 3, messageId: first.messageId, lastError: null });
    expect(resent.html).toBe(first.html); // as rendered: not rendered again

    // Once only: a second cut-off send of the same row is left to the operator.
    await killMidSend(a, [c.id]);
    await tick(a);
    await sleep(1500);
    expect(await view(a, row.id)).toMatchObject({ status: 'unknown', interruptions: 2, lastError: expect.stringMatching(/interrupted.*may or may not/) });
    expect(sink.to(c.email)).toHaveLength(2);
  });

  it('resend: the job of a send whose worker died finds it and sends it once more itself', async () => {
    const [c] = await dueCustomers(a.db, await orgId(a), 'jobcrash', 1);
    // The first claim (on whichever replica takes the job) dies after claiming, with a lease of 1 s; the job's retry
    // finds the row still `sending` with the lease run out.
    const ledgers = [a.app.get(DigestLedger), b.app.get(DigestLedger)];
    const claims = ledgers.map((l) => l.claim.bind(l));
    let crashed = false;
    ledgers.forEach((l, i) => {
      l.claim = async (id, owner, lease, withContent) => {
        if (crashed) return claims[i](id, owner, lease, withContent);
        const took = await claims[i](id, 'crashed-worker', 1, withContent);
        if (!took) return null; // (not claimable yet: the row is still being rendered)
        crashed = true;
        throw new Error('worker died mid-send');
      };
    });
    try {
      await tick(a);
      const [row] = await waitFor(() => rows(a, [c.id]), (r) => r[0]?.status === 'sent', 'the resend by the retried job', 20_000);
      expect(await view(a, row.id)).toMatchObject({ status: 'sent', interruptions: 1 });
      await sleep(1000);
      expect(sink.to(c.email)).toHaveLength(1); // the crashed claim never spoke to SMTP
    } finally {
      ledgers.forEach((l, i) => (l.claim = claims[i]));
    }
  });

  it('resend with two replicas sweeping at once: each cut-off digest is sent once more, once', async () => {
    const customers = await sentDigests(a, 'twosweep', 12);
    await killMidSend(a, customers.map((c) => c.id));
    await Promise.all([tick(a), tick(b), tick(a), tick(b)]);
    await waitFor(() => rows(a, customers.map((c) => c.id)), (r) => r.every((x) => x.status === 'sent'), 'every digest resent');
    await sleep(1500);
    expect(customers.map((c) => sink.to(c.email).length)).toEqual(customers.map(() => 2));
    for (const c of customers) expect(new Set(await messageIds(c.email)).size).toBe(1);
  });

  it('hold: a digest cut off mid-send stays unknown, and is sent only when the operator resends it (same Message-ID)', async () => {
    const [c] = await sentDigests(hold, 'hold', 1);
    const [row] = await rows(hold, [c.id]);
    await killMidSend(hold, [c.id]);
    await tick(hold);
    await sleep(1500);
    const held = await view(hold, row.id);
    expect(held).toMatchObject({ status: 'unknown', interruptions: 1, lastError: expect.stringMatching(/interrupted.*check and resend/) });
    expect(sink.to(c.email)).toHaveLength(1);
    const resend = await hold.api('POST', `/v1/digests/${row.id}/resend`);
    expect(resend.status).toBe(201);
    await waitFor(async () => sink.to(c.email).length, (n) => n === 2, 'the operator\'s resend');
    expect(await messageIds(c.email)).toEqual([held.messageId, held.messageId]);
  });

  // Deliveries: an urgent alert whose first claim dies (lease 1 s), then the every-minute sweep.
  const alertCustomer = async (t: TestApp, ref: string) => {
    const c = await t.api('POST', '/v1/customers', { body: { externalRef: ref, name: `Customer ${ref}`, emails: [`it@${ref}.example`], timeZone: 'UTC' } });
    expect(c.status).toBe(201);
    expect((await t.api('POST', `/v1/customers/${c.body.id}/sites`, { body: { domains: [`${ref}.example`] } })).status).toBe(201);
    await subscribe(t, c.body.id, { cadence: 'weekly', urgentKinds: ['detection'] });
    return c.body.id as string;
  };
  const deliveries = async (t: TestApp, customerId: string) => (await t.api('GET', `/v1/deliveries?customerId=${customerId}`)).body.data as any[];
  // The first `crashes` claims that take the row die, on every replica of t's database (b works a's queue too).
  const cutOffAlert = async (t: TestApp, ref: string, crashes: number) => {
    const customerId = await alertCustomer(t, ref);
    const ledgers = (t === a ? [a, b] : [t]).map((r) => r.app.get(DeliveryLedger));
    const claims = ledgers.map((l) => l.claim.bind(l));
    let left = crashes;
    ledgers.forEach((l, i) => {
      l.claim = async (id, owner, lease) => {
        if (left <= 0) return claims[i](id, owner, lease);
        const took = await claims[i](id, 'crashed-worker', 1);
        if (!took) return null;
        left--;
        throw new Error('worker died mid-send');
      };
    });
    const sweep = async () => {
      await waitFor(() => deliveries(t, customerId), (d) => d[0]?.status === 'sending', 'the claimed row');
      await sleep(1200);
      await t.app.get(SweepDeliveriesJob).handle(); // (or the every-minute schedule got there first)
    };
    const event = { source: 'scanner', externalId: `u-${seq++}`, kind: 'detection', severity: 'critical', occurredAt: '2026-11-20T16:05:00Z', domain: `${ref}.example` };
    expect((await t.api('POST', '/v1/events', { body: { events: [event] } })).status).toBe(200);
    return { customerId, sweep, restore: () => ledgers.forEach((l, i) => (l.claim = claims[i])) };
  };

  it('resend: an alert cut off mid-send is sent once more as the same message; cut off again in its round, it is dead', async () => {
    const once = await cutOffAlert(a, 'alertonce', 1);
    try {
      await once.sweep();
      const [d] = await waitFor(() => deliveries(a, once.customerId), (r) => r[0]?.status === 'delivered', 'the resent alert');
      expect(sink.to('it@alertonce.example')).toHaveLength(1);
      const detail = (await a.api('GET', `/v1/deliveries/${d.id}`)).body;
      expect(detail.attemptLog.map((x: any) => [x.attempt, x.trigger, x.outcome])).toEqual([[1, 'initial', 'interrupted'], [2, 'retry', 'delivered']]);
      expect(detail.attemptLog[0].error).toMatch(/cut off/);
      expect(detail.attemptLog[1].request.messageId).toBe((await sink.to('it@alertonce.example')[0].parse()).messageId);
    } finally {
      once.restore();
    }

    const twice = await cutOffAlert(a, 'alerttwice', 2);
    try {
      await twice.sweep(); // the first cut-off: resent, and that send is cut off too
      await twice.sweep();
      const [d] = await waitFor(() => deliveries(a, twice.customerId), (r) => r[0]?.status === 'dead', 'dead after the second cut-off');
      expect(d.lastError).toMatch(/cut off.*replay if needed/);
      const log = (await a.api('GET', `/v1/deliveries/${d.id}`)).body.attemptLog;
      expect(log.map((x: any) => x.outcome)).toEqual(['interrupted', 'interrupted']);
      await sleep(1500);
      expect(sink.to('it@alerttwice.example')).toHaveLength(0);
    } finally {
      twice.restore();
    }
  });

  it('hold: an alert cut off mid-send is dead, never resent on its own', async () => {
    const cut = await cutOffAlert(hold, 'alerthold', 1);
    try {
      await cut.sweep();
      const [d] = await waitFor(() => deliveries(hold, cut.customerId), (r) => r[0]?.status === 'dead', 'dead');
      expect(d.lastError).toMatch(/cut off.*replay if needed/);
      await sleep(2000);
      expect((await deliveries(hold, cut.customerId))[0].status).toBe('dead');
      expect(sink.to('it@alerthold.example')).toHaveLength(0);
    } finally {
      cut.restore();
    }
  });
});
