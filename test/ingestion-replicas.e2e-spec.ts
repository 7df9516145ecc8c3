import { FakeMonarxServer } from './fakes/fake-monarx-server';
import { AGENT, detectionIds, files } from './support/monarx-records';
import { startTestApp, TestApp } from './support/test-app';
import { sleep, waitFor } from './support/wait';

// Two replicas on one database, both with workers, both asked to poll the same account over and over.
describe('ingestion: two replicas never poll the same account at once', () => {
  let a: TestApp;
  let b: TestApp;
  let fake: FakeMonarxServer;

  beforeAll(async () => {
    fake = new FakeMonarxServer();
    a = await startTestApp({}, { keepDatabase: true });
    b = await startTestApp({}, { databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await fake.stop();
  });

  it('serializes polls of one account across replicas and stores each event once', async () => {
    const baseUrl = await fake.start();
    fake.addAgents([AGENT]);
    const recs = files(30, { start: new Date('2026-11-01T00:00:00Z') });
    fake.addFiles(recs);
    fake.delayNext(10_000, 40); // every vendor call is slow, so overlapping runs would show
    const created = await a.api('POST', '/v1/vendor-accounts', {
      body: { vendor: 'monarx', name: 'shared', baseUrl, backfillFrom: '2026-10-01T00:00:00Z', settings: { enterpriseId: fake.enterpriseId, pageSize: 10 }, credentials: { apiId: fake.apiId, apiSecret: fake.apiKey } },
    });
    const id = created.body.id;
    for (let round = 0; round < 6; round++) {
      await Promise.all([a.api('POST', `/v1/vendor-accounts/${id}/sync`), b.api('POST', `/v1/vendor-accounts/${id}/sync`)]);
      await sleep(300);
    }
    await waitFor(() => a.api('GET', `/v1/vendor-accounts/${id}`).then((r) => r.body), (acc) => acc.status === 'ok' && acc.eventsIngested === 30, 'polls to finish');
    await sleep(2000); // let any queued poll run to the end
    // Each run starts with the agent list and then reads each resource from its first page, in turns: between two
    // agent lists, every resource's first page comes exactly once and before its later pages. Two runs at once would
    // show as a resource started twice, or not at all, between two agent lists.
    const sequence = fake.requests.map((r) => r.path.split('/').pop());
    const runs: { path: string; first: boolean }[][] = [];
    for (const r of fake.requests) {
      const resource = r.path.split('/').pop() ?? '';
      if (resource === 'agent') runs.push([]);
      else runs[runs.length - 1].push({ path: resource, first: r.query.cursor === undefined && r.query.page === '0' });
    }
    for (const run of runs) {
      for (const resource of ['agent-file', 'agent-process', 'event']) {
        const mine = run.filter((x) => x.path === resource);
        expect(mine.filter((x) => x.first)).toHaveLength(1);
        expect(mine[0].first).toBe(true);
      }
    }
    expect(sequence.filter((r) => r === 'agent').length).toBeGreaterThan(1);
    const rows = await a.db.dataSource.query(`SELECT external_id FROM events WHERE vendor_account_id = $1 ORDER BY external_id`, [id]);
    expect(rows.map((r: { external_id: string }) => r.external_id)).toEqual(detectionIds(recs).sort());
  });
});
