import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { BillingImportService } from '../src/billing-import/billing-import.service';
import { FakeWhmcs } from './fakes/fake-whmcs';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { waitFor } from './support/wait';

// A WHMCS import cut off by kill -9 in the middle of its writes resumes on another replica after the last lot it
// committed: every client once, no duplicates, and the report counts the whole run.
describe('a billing import cut off mid-run resumes', () => {
  let databaseUrl: string;
  let whmcs: FakeWhmcs;
  let child: ChildProcess | null = null;
  let t: TestApp | null = null;
  let probe: Client;

  beforeAll(async () => {
    whmcs = await FakeWhmcs.start();
    whmcs.seed(5000, (i) => (i % 5 < 2 ? 3 : 2));
    databaseUrl = await createTestDatabase();
    probe = new Client({ connectionString: databaseUrl });
    await probe.connect();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await t?.close();
    await probe.end();
    await dropTestDatabase(databaseUrl);
    await whmcs.stop();
  });

  it('kill -9 while writing: the sweep on another replica takes it up after the last committed lot', async () => {
    const env = { OUTBOUND_ALLOW_HOSTS: '127.0.0.1', BILLING_IMPORT_CLIENTS_PER_WRITE: '50', RATE_LIMIT_PER_MINUTE: '10000' };
    let output = '';
    child = spawn(process.execPath, ['-r', join(__dirname, 'support/swc-register.js'), join(__dirname, 'support/service-process.ts')], {
      env: { ...process.env, ...env, DATABASE_URL: databaseUrl, HOSTDIGEST_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const port = await waitFor(async () => /listening (\d+)/.exec(output)?.[1], (p) => !!p, 'the service process', 60_000);
    const api = async (path: string, body: unknown) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    };
    const dest: { status: number; body: any } = await api('/v1/destinations', { kind: 'whmcs', name: 'WHMCS', config: { url: whmcs.url, identifier: 'whmcs-id', secret: 'whmcs-secret' } });
    expect(dest.status).toBe(201);
    const run: { status: number; body: any } = await api('/v1/customers/import/whmcs', { destinationId: dest.body.id });
    expect(run.status).toBe(202);

    const progress = async () => (await probe.query(`SELECT status, (progress->>'written')::int AS written, (progress->>'rows')::int AS rows FROM billing_imports WHERE id = $1`, [run.body.id])).rows[0];
    const atKill = await waitFor(progress, (p) => p.status === 'writing' && p.written > 0, 'the first lots written', 60_000);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    child = null;
    const cut = await progress();
    const customersAtKill = Number((await probe.query(`SELECT count(*) AS n FROM customers`)).rows[0].n);
    expect(cut.status).toBe('writing');
    expect(cut.written).toBeGreaterThanOrEqual(atKill.written);
    expect(cut.written).toBeLessThan(cut.rows);
    expect(customersAtKill).toBeLessThan(5000);

    t = await startTestApp(env, { databaseUrl });
    const service = t.app.get(BillingImportService);
    const final = await waitFor(async () => {
      await service.resumeAbandoned();
      return (await t!.api('GET', `/v1/customers/imports/${run.body.id}`)).body;
    }, (r) => r.status === 'done' || r.status === 'failed', 'the resumed run', 90_000);
    expect(final).toMatchObject({ status: 'done', report: { created: 5000, updated: 0, sitesCreated: 17000, rejectedCount: 0 } });
    // resumed, not started over: the clients written before the kill are not planned again (they would count as unchanged)
    expect(final.report.unchanged).toBe(0);
    const counts = (await probe.query(`SELECT count(*)::int AS n, count(DISTINCT external_ref)::int AS refs FROM customers`)).rows[0];
    expect(counts).toEqual({ n: 5000, refs: 5000 });
    expect((await probe.query(`SELECT count(*)::int AS n FROM sites`)).rows[0].n).toBe(17000);
  }, 180_000);
});
