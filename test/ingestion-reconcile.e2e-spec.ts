import { FakeMonarxServer } from './fakes/fake-monarx-server';
import { AGENT, detectionIds, files } from './support/monarx-records';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const DAY = 86_400_000;

// Records that become visible after the poll's high-water mark has passed their timestamp (an agent that uploads
// hours later, a vendor backfill): the incremental poll cannot see them, the reconciliation pass must.
describe('ingestion: reconciliation stores back-dated vendor records', () => {
  let t: TestApp;
  let fake: FakeMonarxServer;
  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp({ POLL_MIN_INTERVAL_SECONDS: '1' });
    fake = new FakeMonarxServer();
    baseUrl = await fake.start();
    fake.addAgents([AGENT]);
  });
  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  const account = async (id: string) => (await t.api('GET', `/v1/vendor-accounts/${id}`)).body;
  const storedIds = async (id: string): Promise<string[]> =>
    (await t.db.dataSource.query(`SELECT external_id FROM events WHERE vendor_account_id = $1 ORDER BY external_id`, [id])).map((r: { external_id: string }) => r.external_id);
  const killed = (id: string, at: Date) => ({ id, agent_id: AGENT.id, pid: 4242, user: 'bob', command: '/usr/bin/php x.php', classification: 'malicious', action: 'killed', created_at: at.toISOString() });

  it('finds records that appear late with old timestamps within one interval, and says how many the poll had missed', async () => {
    const now = Date.now();
    const recs = files(30, { start: new Date(now - 2 * 3600_000), spacingMs: 60_000 });
    fake.addFiles(recs);
    const procs = Array.from({ length: 5 }, (_, i) => killed(`proc-${i}`, new Date(now - 3600_000 + i * 60_000)));
    fake.addProcesses(procs);
    const initial = [...detectionIds(recs), ...procs.map((p) => `agent-process:${p.id}`)].sort();
    const created = await t.api('POST', '/v1/vendor-accounts', {
      body: {
        vendor: 'monarx', name: 'reconciled', baseUrl, backfillFrom: new Date(now - 30 * DAY).toISOString(),
        settings: { enterpriseId: fake.enterpriseId, pageSize: 10 }, credentials: { apiId: fake.apiId, apiSecret: fake.apiKey },
        pollIntervalSeconds: 3600, reconcileIntervalSeconds: 3600, reconcileWindowSeconds: 15 * 86_400,
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body.reconciliation).toMatchObject({ intervalSeconds: 3600, windowSeconds: 1_296_000, lastRunAt: null, lastMissedEvents: null, inProgress: false });
    await waitFor(() => account(id), (a) => a.status === 'ok' && a.eventsIngested === 35, 'the first poll');

    // 20 files stamped from 14 days to 1 hour ago and 5 killed processes from 3 days ago become visible only now.
    const late = Array.from({ length: 20 }, (_, i) => files(1, { start: new Date(now - 14 * DAY + i * 17 * 3600_000), prefix: `late${i}-` })[0]);
    const lateProcs = Array.from({ length: 5 }, (_, i) => killed(`late-proc-${i}`, new Date(now - 3 * DAY + i * 60_000)));
    fake.addFiles(late);
    fake.addProcesses(lateProcs);
    const before = (await account(id)).lastSuccessAt;
    await t.api('POST', `/v1/vendor-accounts/${id}/sync`);
    await waitFor(() => account(id), (a) => a.status === 'ok' && a.lastSuccessAt !== before, 'the incremental poll');
    expect(await storedIds(id)).toEqual(initial); // the incremental poll cannot see them

    // A shorter interval takes effect at once; the pass then runs with the polls, unasked.
    const patched = await t.api('PATCH', `/v1/vendor-accounts/${id}`, { body: { reconcileIntervalSeconds: 2 } });
    expect(patched.status).toBe(200);
    const first = await waitFor(() => account(id), (a) => a.reconciliation.lastRunAt !== null, 'the reconciliation pass', 10_000);
    const expected = [...initial, ...detectionIds(late), ...lateProcs.map((p) => `agent-process:${p.id}`)].sort();
    expect(await storedIds(id)).toEqual(expected);
    expect(first.reconciliation).toMatchObject({ lastMissedEvents: 25, inProgress: false, intervalSeconds: 2 });
    expect(first.eventsIngested).toBe(60);

    // The next passes re-read the same window and store nothing twice; a record that appears late now is stored
    // within one interval (plus the run), with no one asking.
    const lastRun = first.reconciliation.lastRunAt;
    const quiet = await waitFor(() => account(id), (a) => a.reconciliation.lastRunAt !== lastRun, 'the next pass', 10_000);
    expect(quiet.reconciliation.lastMissedEvents).toBe(0);
    const appearedAt = Date.now();
    const oneMore = files(1, { start: new Date(now - 10 * DAY), prefix: 'later-still-' });
    fake.addFiles(oneMore);
    await waitFor(() => storedIds(id), (ids) => ids.includes(detectionIds(oneMore)[0]), 'the later record', 10_000);
    expect(Date.now() - appearedAt).toBeLessThan(2000 + 3000);
    const after = await waitFor(() => account(id), (a) => a.reconciliation.lastMissedEvents === 1, 'the pass that found it');
    expect(after.eventsIngested).toBe(61);
    const [{ n, distinct }] = await t.db.dataSource.query(`SELECT count(*)::int AS n, count(DISTINCT external_id)::int AS distinct FROM events WHERE vendor_account_id = $1`, [id]);
    expect({ n, distinct }).toEqual({ n: 61, distinct: 61 });
  });

  it('reads no further back than the window', async () => {
    const now = Date.now();
    const recent = files(3, { start: new Date(now - 3600_000), prefix: 'w-recent-' });
    fake.addFiles(recent);
    const created = await t.api('POST', '/v1/vendor-accounts', {
      body: {
        vendor: 'monarx', name: 'narrow window', baseUrl, backfillFrom: new Date(now - 2 * 3600_000).toISOString(),
        settings: { enterpriseId: fake.enterpriseId, pageSize: 10 }, credentials: { apiId: fake.apiId, apiSecret: fake.apiKey },
        pollIntervalSeconds: 3600, reconcileIntervalSeconds: 1, reconcileWindowSeconds: 86_400,
      },
    });
    const id = created.body.id as string;
    await waitFor(() => account(id), (a) => a.status === 'ok', 'the first poll');
    const inside = files(1, { start: new Date(now - 12 * 3600_000), prefix: 'w-inside-' });
    const outside = files(1, { start: new Date(now - 3 * DAY), prefix: 'w-outside-' });
    fake.addFiles([...inside, ...outside]);
    await waitFor(() => storedIds(id), (ids) => ids.includes(detectionIds(inside)[0]), 'the record inside the window', 10_000);
    expect(await storedIds(id)).not.toContain(detectionIds(outside)[0]);
  });

  it('lets an account set its interval and window, and refuses nonsense naming the field', async () => {
    const bad = await t.api('POST', '/v1/vendor-accounts', {
      body: { vendor: 'monarx', name: 'x', baseUrl, settings: { enterpriseId: 'e' }, credentials: { apiId: 'a', apiSecret: 'b' }, reconcileWindowSeconds: 5 },
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(JSON.stringify(bad.body)).toContain('reconcileWindowSeconds');
    const sim = await t.api('POST', '/v1/vendor-accounts', { body: { vendor: 'simulator', name: 'sim', enabled: false } });
    expect(sim.body.reconciliation).toBeNull(); // a simulated stream never has late records
  });
});
