import { FakeMonarxServer } from './fakes/fake-monarx-server';
import { AGENT, detectionIds, files } from './support/monarx-records';
import { startTestApp, TestApp } from './support/test-app';
import { sleep, waitFor } from './support/wait';

const T0 = new Date('2026-11-01T00:00:00Z');

describe('ingestion: polling Monarx through faults', () => {
  let t: TestApp;
  let fake: FakeMonarxServer;
  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp({ POLL_BACKOFF_BASE_MS: '300', POLL_BACKOFF_MAX_MS: '1500', OUTBOUND_TIMEOUT_MS: '700', POLL_FAILING_RETRY_MS: '3600000' });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    fake = new FakeMonarxServer();
    baseUrl = await fake.start();
    fake.addAgents([AGENT]);
  });
  afterEach(() => fake.stop());

  const createAccount = async (over: Record<string, unknown> = {}) => {
    const res = await t.api('POST', '/v1/vendor-accounts', {
      body: {
        vendor: 'monarx', name: 'Monarx test', baseUrl, backfillFrom: '2026-10-01T00:00:00Z',
        settings: { enterpriseId: fake.enterpriseId, pageSize: 10, overlapSeconds: 600 },
        credentials: { apiId: fake.apiId, apiSecret: fake.apiKey },
        ...over,
      },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const account = async (id: string) => (await t.api('GET', `/v1/vendor-accounts/${id}`)).body;
  const syncUntilOk = async (id: string) => {
    const before = (await account(id)).lastSuccessAt;
    await t.api('POST', `/v1/vendor-accounts/${id}/sync`);
    return waitFor(() => account(id), (a) => a.status === 'ok' && a.lastSuccessAt !== before, `account ${id} to poll successfully`);
  };
  const storedIds = async (id: string): Promise<string[]> =>
    (await t.db.dataSource.query(`SELECT external_id FROM events WHERE vendor_account_id = $1 ORDER BY external_id`, [id])).map((r: { external_id: string }) => r.external_id);

  it('stores every record across pages exactly once, even when pages repeat records', async () => {
    const recs = files(45, { start: T0 });
    fake.addFiles(recs);
    fake.duplicateAcrossPages(3);
    const id = await createAccount();
    const a = await syncUntilOk(id);
    expect(await storedIds(id)).toEqual(detectionIds(recs).sort());
    expect(a.eventsIngested).toBe(45);
    expect(a.cursor).toBeTruthy();
  });

  it('honours 429 Retry-After, then resumes and loses nothing', async () => {
    const recs = files(25, { start: T0 });
    fake.addFiles(recs);
    fake.failNext(1, 429, { retryAfterSeconds: 2 });
    const id = await createAccount();
    await t.api('POST', `/v1/vendor-accounts/${id}/sync`);
    const limited = await waitFor(() => account(id), (a) => a.status === 'retrying', 'the account to back off');
    expect(limited.lastError).toMatch(/429/);
    const ok = await waitFor(() => account(id), (a) => a.status === 'ok', 'the retry after Retry-After', 20_000);
    expect(ok.consecutiveFailures).toBe(0);
    const agentCalls = fake.requests.filter((r) => r.path.endsWith('/agent'));
    expect(agentCalls[1].at.getTime() - agentCalls[0].at.getTime()).toBeGreaterThanOrEqual(1900);
    expect(await storedIds(id)).toEqual(detectionIds(recs).sort());
  });

  it('backs off through a 5xx burst and a timeout, keeps pages committed before the fault, and resumes from the cursor', async () => {
    const recs = files(45, { start: T0 });
    fake.addFiles(recs);
    fake.failNext(3, 503, { after: 3 }); // agents + two pages succeed, then the vendor falls over
    const id = await createAccount();
    await t.api('POST', `/v1/vendor-accounts/${id}/sync`);
    const failing = await waitFor(() => account(id), (a) => a.status === 'retrying', 'the first 503');
    expect(failing.lastError).toMatch(/503/);
    expect(failing.eventsIngested).toBe(20); // the two pages before the fault stay committed with their cursor
    const resumed = fake.requests.filter((r) => r.path.endsWith('/agent-file')).slice(3)[0];
    await waitFor(() => account(id), (a) => a.status === 'ok', 'recovery after the burst', 25_000);
    expect(await storedIds(id)).toEqual(detectionIds(recs).sort());
    // The run after the fault asked from the stored high-water mark, not from the start.
    expect(resumed?.query.filter ?? '').not.toContain('2026-10-01');

    fake.delayNext(1, 2000); // longer than OUTBOUND_TIMEOUT_MS
    const more = files(5, { start: new Date(T0.getTime() + 3600_000), prefix: 'late' });
    fake.addFiles(more);
    await t.api('POST', `/v1/vendor-accounts/${id}/sync`);
    const timedOut = await waitFor(() => account(id), (a) => a.status === 'retrying', 'the timeout');
    expect(timedOut.lastError).toMatch(/did not answer|timeout/i);
    await waitFor(() => account(id), (a) => a.status === 'ok', 'recovery after the timeout', 20_000);
    expect(await storedIds(id)).toEqual([...detectionIds(recs), ...detectionIds(more)].sort());
  });

  it('picks up a late record (older timestamp, inside the overlap window) and a status change to cleaned', async () => {
    const recs = files(12, { start: T0 });
    fake.addFiles(recs);
    const id = await createAccount();
    await syncUntilOk(id);
    const lastAt = new Date(recs[recs.length - 1].updated_at);
    const late = files(1, { start: new Date(lastAt.getTime() - 5 * 60_000), prefix: 'arrived-late' });
    fake.addFiles(late);
    fake.updateFile('f3', { status: 'cleaned' });
    await syncUntilOk(id);
    const ids = await storedIds(id);
    expect(ids).toContain('agent-file:arrived-late0:detected');
    expect(ids).toContain('agent-file:f3:cleaned');
    expect(ids).toHaveLength(14);
  });

  it('keeps an invalid record as rejected with its reason, and the rest still arrive', async () => {
    const recs = files(8, { start: T0 });
    fake.addFiles(recs);
    fake.invalidRecord('missing-id', new Date(T0.getTime() + 3000));
    const id = await createAccount();
    const a = await syncUntilOk(id);
    expect(await storedIds(id)).toEqual(detectionIds(recs).sort());
    expect(a.recordsRejected).toBe(1);
    const rejected = await t.api('GET', `/v1/rejected-records?vendorAccountId=${id}`);
    expect(rejected.body.data).toHaveLength(1);
    expect(rejected.body.data[0]).toMatchObject({ resource: 'agent-file', reason: expect.stringMatching(/id/) });
    expect(rejected.body.data[0].raw).toMatchObject({ path: '/home/bob/x.php' });
  });

  it('restarts from the high-water mark when a cursor expires mid-run, with nothing lost', async () => {
    const recs = files(35, { start: T0 });
    fake.addFiles(recs);
    fake.failNext(1, 410, { after: 2 }); // the second agent-file page's next link has expired
    const id = await createAccount();
    await syncUntilOk(id);
    expect(await storedIds(id)).toEqual(detectionIds(recs).sort());
  });

  it('marks an account with bad credentials failing, says why, and stops calling the vendor', async () => {
    fake.addFiles(files(3, { start: T0 }));
    const id = await createAccount({ credentials: { apiId: fake.apiId, apiSecret: 'wrong' } });
    const test = await t.api('POST', `/v1/vendor-accounts/${id}/test`);
    expect(test.body).toMatchObject({ ok: false, message: expect.stringMatching(/API id|secret/i) });
    await t.api('POST', `/v1/vendor-accounts/${id}/sync`);
    const failing = await waitFor(() => account(id), (a) => a.status === 'failing', 'the account to fail');
    expect(failing.lastError).toMatch(/API id|secret/i);
    expect(new Date(failing.nextPollAt).getTime() - Date.now()).toBeGreaterThan(50 * 60_000);
    const calls = fake.requests.length;
    await sleep(2500);
    expect(fake.requests.length).toBe(calls);

    const fixed = await t.api('PATCH', `/v1/vendor-accounts/${id}`, { body: { credentials: { apiSecret: fake.apiKey } } });
    expect(fixed.body.status).toBe('pending');
    expect((await t.api('POST', `/v1/vendor-accounts/${id}/test`)).body.ok).toBe(true);
    const ok = await syncUntilOk(id);
    expect(ok.eventsIngested).toBe(3);
  });

  it('stores credentials encrypted, shows only that they are set, and refuses env: references not granted', async () => {
    const id = await createAccount();
    const [row] = await t.db.dataSource.query(`SELECT credentials::text AS c FROM vendor_accounts WHERE id = $1`, [id]);
    expect(row.c).not.toContain(fake.apiKey);
    expect((await account(id)).credentials).toEqual({ apiId: 'encrypted', apiSecret: 'encrypted' });
    const viaEnv = await t.api('POST', '/v1/vendor-accounts', {
      body: { vendor: 'monarx', name: 'env', baseUrl, settings: { enterpriseId: 'e' }, credentials: { apiId: 'env:MONARX_ID', apiSecret: 'env:MONARX_SECRET' } },
    });
    // granted ones: env-references.e2e-spec.ts
    expect(viaEnv.status).toBe(422);
    expect(viaEnv.body).toMatchObject({ code: 'secret_unavailable', field: 'credentials.apiId', message: expect.stringContaining('env:MONARX_ID is not available to this organization') });
  });

  it('refuses an account without what the vendor needs, naming the field', async () => {
    const res = await t.api('POST', '/v1/vendor-accounts', { body: { vendor: 'monarx', name: 'x', settings: {}, credentials: {} } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', field: 'settings.enterpriseId' });
    const tooOften = await t.api('POST', '/v1/vendor-accounts', { body: { vendor: 'simulator', name: 'x', pollIntervalSeconds: 5 } });
    expect(tooOften.body).toMatchObject({ field: 'pollIntervalSeconds' });
  });
});
