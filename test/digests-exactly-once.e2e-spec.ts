import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { join } from 'node:path';
import { DigestLedger } from '../src/digests/digest-ledger';
import { DigestScheduler } from '../src/digests/digest-scheduler';
import { DigestSender } from '../src/digests/digest-sender';
import { dueCustomers, statuses } from './support/digest-bulk';
import { orgId } from './support/digest-fixtures';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { sleep, waitFor } from './support/wait';

const FAST = { DIGEST_RETRY_DELAY_SECONDS: '1', DIGEST_LEASE_SECONDS: '5', DIGEST_RECOVER_AFTER_SECONDS: '5', RATE_LIMIT_PER_MINUTE: '10000' };

const countBy = (sink: SmtpSink, emails: string[]) => emails.map((e) => sink.to(e).length);
const allDone = (m: Map<string, string[]>, n: number) => m.size === n && [...m.values()].every((s) => ['sent', 'unknown', 'failed'].includes(s[0]));

describe('digests: exactly once with two replicas, crashes and SMTP outages', () => {
  let sink: SmtpSink;
  let a: TestApp;
  let b: TestApp;
  let org: string;

  let databaseUrl: string;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    databaseUrl = await createTestDatabase(); // shared by every replica and process of this file
    a = await startTestApp({ SMTP_URL: sink.url, ...FAST }, { databaseUrl });
    b = await startTestApp({ SMTP_URL: sink.url, ...FAST }, { databaseUrl });
    org = await orgId(a);
  });
  let running = true; // false while the kill -9 test has stopped both in-process replicas
  afterAll(async () => {
    if (running) await Promise.all([b.close(), a.close()]);
    await sink.stop();
    await dropTestDatabase(databaseUrl);
  });

  it('two replicas running the scheduler and "run" at the same moment send each customer one mail', async () => {
    const customers = await dueCustomers(a.db, org, 'race', 40);
    await Promise.all([
      a.app.get(DigestScheduler).tick(), b.app.get(DigestScheduler).tick(),
      a.api('POST', '/v1/digests/run', { body: {} }), b.api('POST', '/v1/digests/run', { body: {} }),
      a.app.get(DigestScheduler).tick(), b.app.get(DigestScheduler).tick(),
    ]);
    const ids = customers.map((c) => c.id);
    await waitFor(() => statuses(a.db, ids), (m) => allDone(m, 40), 'every digest sent').catch(async (e) => {
      const rows = await a.db.dataSource.query(`SELECT status, lease_owner, lease_until > now() AS leased, attempts, last_error FROM digests WHERE customer_id = ANY($1::uuid[]) AND status <> 'sent'`, [ids]);
      throw new Error(`${e.message}: ${JSON.stringify(rows).slice(0, 1500)}`);
    });
    expect([...(await statuses(a.db, ids)).values()].every((s) => s.length === 1 && s[0] === 'sent')).toBe(true);
    await sleep(1000);
    expect(countBy(sink, customers.map((c) => c.email))).toEqual(customers.map(() => 1));
  });

  it('two workers racing on the same ledger row: one claims it, one mail', async () => {
    const customers = await dueCustomers(a.db, org, 'claim', 10);
    // Rows without their jobs running yet: take them from the scheduler of A, then race both senders on each.
    await a.app.get(DigestScheduler).tick();
    const rows: { id: string }[] = await a.db.dataSource.query(`SELECT id FROM digests WHERE customer_id = ANY($1::uuid[])`, [customers.map((c) => c.id)]);
    const results = await Promise.all(rows.flatMap((r) => [a.app.get(DigestSender).send(r.id), b.app.get(DigestSender).send(r.id), a.app.get(DigestSender).send(r.id)]));
    expect(results.filter((r) => r.status === 'sent').length).toBeLessThanOrEqual(10);
    await waitFor(() => statuses(a.db, customers.map((c) => c.id)), (m) => allDone(m, 10), 'every digest sent');
    await sleep(1000);
    expect(countBy(sink, customers.map((c) => c.email))).toEqual(customers.map(() => 1));
  });

  it('a crash between render and send: the rendered digest is sent once, as rendered', async () => {
    const [c] = await dueCustomers(a.db, org, 'render-crash', 1);
    // The first claim (on whichever replica takes the job) dies: the row stays rendered, its job fails and is retried.
    const ledgers = [a.app.get(DigestLedger), b.app.get(DigestLedger)];
    const claims = ledgers.map((l) => l.claim.bind(l));
    let crashes = 0;
    ledgers.forEach((l, i) => {
      l.claim = async (...args) => {
        if (crashes++ === 0) throw new Error('worker died after rendering');
        return claims[i](...args);
      };
    });
    try {
      await a.app.get(DigestScheduler).tick();
      const [row] = await waitFor(
        () => a.db.dataSource.query(`SELECT status, subject, attempts FROM digests WHERE customer_id = $1`, [c.id]),
        (r: { status: string; subject: string }[]) => r[0]?.status === 'sent', 'the send after the crash', 20_000,
      );
      expect(crashes).toBeGreaterThanOrEqual(2);
      const mails = sink.to(c.email);
      expect(mails).toHaveLength(1);
      expect((await mails[0].parse()).subject).toBe(row.subject);
    } finally {
      ledgers.forEach((l, i) => (l.claim = claims[i]));
    }
  });

  it('kill -9 of a replica in the middle of a run: after restart everybody has the digest, a second copy only under the same Message-ID', async () => {
    const customers = await dueCustomers(a.db, org, 'kill', 120);
    const emails = customers.map((c) => c.email);
    const probe = new Client({ connectionString: databaseUrl });
    await probe.connect();
    sink.delayMs = 250; // a slow server: the kill lands with sends in flight (claimed, SMTP not yet answered)
    // Only the child works on this database until it is killed.
    running = false;
    await Promise.all([b.close(), a.close()]);
    const child = spawn(process.execPath, ['-r', join(__dirname, 'support/swc-register.js'), join(__dirname, 'support/digest-worker.ts')], {
      env: { ...process.env, DATABASE_URL: databaseUrl, SMTP_URL: sink.url, HOSTDIGEST_ROLES: 'worker,scheduler', ...FAST, DIGEST_SEND_CONCURRENCY: '8', JOBS_POLL_SECONDS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => (stderr += d));
    try {
      await waitFor(async () => emails.filter((e) => sink.to(e).length).length, (n) => n >= 30, 'the child to send some digests', 90_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nchild stderr: ${stderr.slice(-2000)}`);
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const atKillRows: { status: string; n: number }[] = (await probe.query(`SELECT status, count(*)::int AS n FROM digests GROUP BY 1 ORDER BY 1`)).rows;
    const atKill = emails.filter((e) => sink.to(e).length).length;
    expect(atKill).toBeLessThan(120);
    sink.delayMs = 0;

    a = await startTestApp({ SMTP_URL: sink.url, ...FAST }, { databaseUrl: databaseUrl });
    b = await startTestApp({ SMTP_URL: sink.url, ...FAST }, { databaseUrl: databaseUrl });
    running = true;
    const ids = customers.map((c) => c.id);
    const final = await waitFor(async () => {
      await a.app.get(DigestScheduler).tick(); // sweeps expired leases, re-queues rows whose job died with the child
      return statuses(a.db, ids);
    }, (m) => allDone(m, 120), 'every row settled after the restart', 60_000);
    await sleep(1000);

    const perCustomer = countBy(sink, emails);
    // DIGEST_UNKNOWN_POLICY=resend (the default): a send cut off by the kill (claimed, SMTP not yet answered) is sent
    // once more under its Message-ID. So every row ends `sent` and every customer has its digest; the customers whose
    // cut-off send had reached the server have a second copy with the same Message-ID, which receivers fold.
    for (const [i, c] of customers.entries()) {
      expect(final.get(c.id)).toEqual(['sent']);
      expect(perCustomer[i]).toBeGreaterThanOrEqual(1);
      expect(perCustomer[i]).toBeLessThanOrEqual(2);
    }
    const twice = customers.filter((_, i) => perCustomer[i] === 2);
    for (const c of twice) {
      const ids = await Promise.all(sink.to(c.email).map(async (m) => (await m.parse()).messageId));
      expect(new Set(ids).size).toBe(1);
    }
    const resent: { n: number }[] = (await probe.query(`SELECT count(*)::int AS n FROM digests WHERE customer_id = ANY($1::uuid[]) AND interruptions > 0`, [ids])).rows;
    expect(twice.length).toBeLessThanOrEqual(resent[0].n);
    expect(resent[0].n).toBeLessThanOrEqual(8); // at most the in-flight sends at the moment of the kill
    process.stdout.write(`kill -9 run: at the kill ${JSON.stringify(atKillRows)}; ${atKill} mails received before it; afterwards ` +
      `all 120 sent, ${resent[0].n} of them cut off and resent under the same Message-ID (${twice.length} of those had reached the server)\n`);
    await probe.end();
  }, 240_000);
});
