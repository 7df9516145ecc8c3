import { defineJob } from '../src/jobs/job';
import { JobEngine } from '../src/jobs/job-engine';
import { FakeMonarxServer } from './fakes/fake-monarx-server';
import { AGENT, files } from './support/monarx-records';
import { scrape, Scrape } from './support/prometheus';
import { startTestApp, TestApp } from './support/test-app';
import { sleep, waitFor } from './support/wait';

const HOUR = 3600_000;
const NAME = 'Acme Reseller Ltd (secret name)';

// What a dashboard and a monitor see of polling through a vendor outage on the running service: /metrics per account
// (by id) and /health/vendors while fake Monarx answers 500, then 429, and after it recovers.
describe('metrics and /health/vendors through a vendor outage', () => {
  let t: TestApp;
  let fake: FakeMonarxServer;
  let baseUrl: string;
  let id: string;
  const start = new Date(Date.now() - 2 * HOUR);
  const backfillFrom = new Date(start.getTime() - HOUR);

  beforeAll(async () => {
    t = await startTestApp({
      OUTBOUND_TIMEOUT_MS: '300', POLL_REQUEST_RETRIES: '0', POLL_REQUEST_RETRY_BASE_MS: '10', POLL_RETRY_AFTER_MAX_MS: '0',
      POLL_BACKOFF_BASE_MS: '200', POLL_BACKOFF_MAX_MS: '500', POLL_MIN_INTERVAL_SECONDS: '1',
    });
    fake = new FakeMonarxServer();
    baseUrl = await fake.start();
    fake.addAgents([AGENT]);
  });
  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  const createAccount = async (over: { credentials?: Record<string, string>; baseUrl?: string } = {}) => {
    const res = await t.api('POST', '/v1/vendor-accounts', {
      body: {
        vendor: 'monarx', name: NAME, baseUrl: over.baseUrl ?? baseUrl, backfillFrom: backfillFrom.toISOString(), pollIntervalSeconds: 3600,
        settings: { enterpriseId: fake.enterpriseId }, credentials: over.credentials ?? { apiId: fake.apiId, apiSecret: fake.apiKey },
      },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const account = async (accountId = id) => (await t.api('GET', `/v1/vendor-accounts/${accountId}`)).body;
  const health = (query = '') => t.api('GET', `/health/vendors${query}`, { key: null });
  const polls = (m: Scrape, outcome: string, accountId = id) => m.value('hostdigest_vendor_polls_total', { account: accountId, vendor: 'monarx', outcome }) ?? 0;
  const perAccount = (m: Scrape, name: string, extra: Record<string, string> = {}) => m.value(name, { account: id, vendor: 'monarx', ...extra });
  const pollJobs = (m: Scrape, result: string) => m.value('hostdigest_jobs_total', { job: 'vendors.poll', result }) ?? 0;

  let healthy: Scrape;
  let outage: { failingSince: string; scrape: Scrape };

  it('while healthy: polls, records read, events stored, rejected records and the high-water lag per resource; /health/vendors 200', async () => {
    fake.addFiles(files(12, { start }));
    fake.invalidRecord('missing-id', new Date(start.getTime() + 5000));
    fake.invalidRecord('bad-timestamp', new Date(start.getTime() + 5000));
    id = await createAccount();
    const a = await waitFor(() => account(), (x) => x.status === 'ok', 'the first poll');
    expect([a.eventsIngested, a.recordsRejected]).toEqual([12, 2]);

    const m = (healthy = await scrape(t.baseUrl));
    const now = Date.now();
    expect(polls(m, 'ok')).toBe(1);
    expect(polls(m, 'vendor_error')).toBe(0);
    expect(pollJobs(m, 'done')).toBeGreaterThanOrEqual(1);
    expect(pollJobs(m, 'retry')).toBe(0);
    expect(perAccount(m, 'hostdigest_vendor_records_read_total')).toBe(14); // one page of 12 files and 2 unreadable records
    expect(perAccount(m, 'hostdigest_vendor_events_stored_total')).toBe(a.eventsIngested);
    expect(perAccount(m, 'hostdigest_vendor_records_rejected_total')).toBe(a.recordsRejected);
    expect(perAccount(m, 'hostdigest_vendor_account_status', { status: 'ok' })).toBe(1);
    expect(perAccount(m, 'hostdigest_vendor_account_status', { status: 'retrying' })).toBe(0);
    expect(perAccount(m, 'hostdigest_vendor_seconds_since_last_success')).toBeLessThan(5);
    expect(perAccount(m, 'hostdigest_vendor_failing_seconds')).toBe(0);
    expect(perAccount(m, 'hostdigest_vendor_consecutive_failures')).toBe(0);
    // Files: the newest file read (start + 11 s); processes and activity events: none yet, so the backfill start.
    const lag = (resource: string) => perAccount(m, 'hostdigest_vendor_high_water_lag_seconds', { resource })!;
    expect(Math.abs(lag('agent-file') - (now - start.getTime() - 11_000) / 1000)).toBeLessThan(5);
    expect(Math.abs(lag('event') - (now - backfillFrom.getTime()) / 1000)).toBeLessThan(5);
    expect(Math.abs(lag('agent-process') - (now - backfillFrom.getTime()) / 1000)).toBeLessThan(5);
    expect(m.text).not.toContain(NAME);

    const h = await health();
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: 'ok', accounts: { ok: 1, retrying: 0, failing: 0 }, failing: [], failingTotal: 0 });
  });

  it('during 500s: vendor_error polls and job retries counted, the account failing since the first, /health/vendors 503 with ids only', async () => {
    fake.failNext(100_000, 500);
    expect((await t.api('POST', `/v1/vendor-accounts/${id}/sync`)).status).toBe(202);
    await waitFor(() => account(), (x) => x.status === 'retrying' && x.consecutiveFailures >= 3, 'three failed runs in a row');
    await sleep(1500); // the time since the last success keeps growing

    const m = await scrape(t.baseUrl);
    expect(polls(m, 'vendor_error')).toBeGreaterThanOrEqual(3);
    expect(polls(m, 'ok')).toBe(1);
    expect(pollJobs(m, 'retry')).toBeGreaterThanOrEqual(3); // a failed poll is no longer counted as done
    expect(pollJobs(m, 'done')).toBe(pollJobs(healthy, 'done'));
    expect(perAccount(m, 'hostdigest_vendor_account_status', { status: 'retrying' })).toBe(1);
    expect(perAccount(m, 'hostdigest_vendor_account_status', { status: 'ok' })).toBe(0);
    expect(perAccount(m, 'hostdigest_vendor_consecutive_failures')).toBeGreaterThanOrEqual(3);
    expect(perAccount(m, 'hostdigest_vendor_failing_seconds')).toBeGreaterThanOrEqual(1);
    expect(perAccount(m, 'hostdigest_vendor_seconds_since_last_success')).toBeGreaterThanOrEqual(perAccount(healthy, 'hostdigest_vendor_seconds_since_last_success')! + 1.5);
    expect(perAccount(m, 'hostdigest_vendor_records_read_total')).toBe(14); // nothing read meanwhile

    const h = await health();
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({ status: 'failing', accounts: { ok: 0, retrying: 1 }, failingTotal: 1 });
    const [entry] = h.body.failing;
    expect(entry).toMatchObject({ id, vendor: 'monarx', status: 'retrying', lastErrorCode: 'vendor_error', consecutiveFailures: expect.any(Number) });
    expect(entry.consecutiveFailures).toBeGreaterThanOrEqual(3);
    expect(entry.secondsSinceLastSuccess).toBeGreaterThanOrEqual(2);
    expect(entry.failingForSeconds).toBeGreaterThanOrEqual(1);
    expect(Object.keys(entry).sort()).toEqual(['consecutiveFailures', 'failingForSeconds', 'failingSince', 'id', 'lastErrorCode', 'lastSuccessAt',
      'nextPollAt', 'organizationId', 'secondsSinceLastSuccess', 'status', 'vendor']);
    expect(JSON.stringify(h.body)).not.toContain(NAME);
    expect(JSON.stringify(h.body)).not.toContain('HTTP 500'); // no error text either
    expect((await account()).failingSince).toBe(entry.failingSince);
    outage = { failingSince: entry.failingSince, scrape: m };

    // A monitor that tolerates short failures: listed, but 200 until it has lasted an hour.
    const tolerant = await health('?minFailingSeconds=3600');
    expect(tolerant.status).toBe(200);
    expect(tolerant.body).toMatchObject({ status: 'ok', minFailingSeconds: 3600, failing: [expect.objectContaining({ id })] });
    expect((await health('?minFailingSeconds=-1')).status).toBe(400);
  });

  it('then 429s: rate_limited polls, the same outage (failing since the first 500), the streak not grown by the vendor pace', async () => {
    fake.failNext(100_000, 429, { retryAfterSeconds: 1 });
    const first = await waitFor(() => account(), (x) => x.lastErrorCode === 'rate_limited', 'a rate-limited run');
    const m1 = await scrape(t.baseUrl);
    await waitFor(() => scrape(t.baseUrl), (m) => polls(m, 'rate_limited') >= polls(m1, 'rate_limited') + 2, 'two more rate-limited runs', 10_000);

    const m = await scrape(t.baseUrl);
    expect(polls(m, 'vendor_error')).toBeGreaterThanOrEqual(polls(outage.scrape, 'vendor_error'));
    expect(pollJobs(m, 'retry')).toBeGreaterThan(pollJobs(outage.scrape, 'retry'));
    expect(perAccount(m, 'hostdigest_vendor_account_status', { status: 'retrying' })).toBe(1);
    expect(perAccount(m, 'hostdigest_vendor_consecutive_failures')).toBe(first.consecutiveFailures);

    const h = await health();
    expect(h.status).toBe(503);
    expect(h.body.failing[0]).toMatchObject({ id, status: 'retrying', lastErrorCode: 'rate_limited', failingSince: outage.failingSince, consecutiveFailures: first.consecutiveFailures });
  });

  it('after it recovers: an ok poll reads the new records, gauges back to healthy, /health/vendors 200', async () => {
    fake.addFiles(files(3, { start: new Date(start.getTime() + 60_000), prefix: 'g' }));
    fake.failNext(0, 200);
    const a = await waitFor(() => account(), (x) => x.status === 'ok', 'recovery', 10_000);
    expect(a).toMatchObject({ eventsIngested: 15, lastErrorCode: null, failingSince: null, consecutiveFailures: 0 });

    const m = await scrape(t.baseUrl);
    const now = Date.now();
    expect(polls(m, 'ok')).toBe(2);
    expect(pollJobs(m, 'done')).toBe(pollJobs(healthy, 'done') + 1);
    expect(perAccount(m, 'hostdigest_vendor_events_stored_total')).toBe(15);
    // The second run re-read the overlap (10 min before the mark: all 14) and the 3 new files.
    expect(perAccount(m, 'hostdigest_vendor_records_read_total')).toBe(14 + 14 + 3);
    expect(perAccount(m, 'hostdigest_vendor_records_rejected_total')).toBe(2); // re-read rejections are not counted again
    expect(perAccount(m, 'hostdigest_vendor_account_status', { status: 'ok' })).toBe(1);
    expect(perAccount(m, 'hostdigest_vendor_account_status', { status: 'retrying' })).toBe(0);
    expect(perAccount(m, 'hostdigest_vendor_failing_seconds')).toBe(0);
    expect(perAccount(m, 'hostdigest_vendor_consecutive_failures')).toBe(0);
    expect(perAccount(m, 'hostdigest_vendor_seconds_since_last_success')).toBeLessThan(3);
    const fileLag = perAccount(m, 'hostdigest_vendor_high_water_lag_seconds', { resource: 'agent-file' })!;
    expect(Math.abs(fileLag - (now - start.getTime() - 62_000) / 1000)).toBeLessThan(5); // the newest file: start + 60 s + 2 s

    const h = await health();
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: 'ok', accounts: { ok: 1, retrying: 0 }, failing: [] });
  });

  it('counts a vendor that does not answer in time as timeout', async () => {
    const slow = new FakeMonarxServer();
    const slowUrl = await slow.start();
    slow.addAgents([AGENT]);
    slow.delayNext(100_000, 1000); // longer than OUTBOUND_TIMEOUT_MS
    try {
      const slowId = await createAccount({ baseUrl: slowUrl });
      await waitFor(() => account(slowId), (x) => x.lastErrorCode === 'timeout', 'a timed-out run');
      expect(polls(await scrape(t.baseUrl), 'timeout', slowId)).toBeGreaterThanOrEqual(1);
      const h = await health();
      expect(h.status).toBe(503);
      expect(h.body.failing).toEqual([expect.objectContaining({ id: slowId, lastErrorCode: 'timeout', secondsSinceLastSuccess: null, lastSuccessAt: null })]);
      expect((await t.api('DELETE', `/v1/vendor-accounts/${slowId}`)).status).toBe(204);
    } finally {
      await slow.stop();
    }
  });

  it('counts refused credentials as auth_failed and the poll job as failed; the account stays on /health/vendors', async () => {
    const before = await scrape(t.baseUrl);
    const badId = await createAccount({ credentials: { apiId: fake.apiId, apiSecret: 'wrong' } });
    await waitFor(() => account(badId), (x) => x.status === 'failing', 'the refused credentials');
    const m = await scrape(t.baseUrl);
    expect(polls(m, 'auth_failed', badId)).toBe(1);
    expect(pollJobs(m, 'failed')).toBe(pollJobs(before, 'failed') + 1);
    expect(m.value('hostdigest_vendor_account_status', { account: badId, status: 'failing' })).toBe(1);
    expect(m.value('hostdigest_vendor_seconds_since_last_success', { account: badId })).toBeGreaterThanOrEqual(0); // since its creation
    const h = await health();
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({ status: 'failing', accounts: { ok: 1, failing: 1 } });
    expect(h.body.failing).toEqual([expect.objectContaining({ id: badId, status: 'failing', lastErrorCode: 'auth_failed', consecutiveFailures: 1 })]);
    // Disabled, it no longer alerts.
    expect((await t.api('PATCH', `/v1/vendor-accounts/${badId}`, { body: { enabled: false } })).status).toBe(200);
    const after = await health();
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ accounts: { ok: 1, disabled: 1, failing: 0 }, failing: [] });
  });

  it('counts a job that throws as retry while the engine retries it, and failed after its last attempt', async () => {
    const type = defineJob<Record<string, never>>('test.throws', { retryLimit: 1, retryDelaySeconds: 1, retryBackoff: false });
    let runs = 0;
    const jobs = t.app.get(JobEngine);
    jobs.register(type, { handle: async () => { runs++; throw new Error('broken on purpose'); } });
    await jobs.send(type, {});
    const m = await waitFor(() => scrape(t.baseUrl), (x) => (x.value('hostdigest_jobs_total', { job: 'test.throws', result: 'failed' }) ?? 0) > 0, 'the last attempt', 10_000);
    expect(runs).toBe(2);
    expect(m.value('hostdigest_jobs_total', { job: 'test.throws', result: 'retry' })).toBe(1);
    expect(m.value('hostdigest_jobs_total', { job: 'test.throws', result: 'failed' })).toBe(1);
    expect(m.value('hostdigest_jobs_total', { job: 'test.throws', result: 'done' })).toBeUndefined();
  });
});
