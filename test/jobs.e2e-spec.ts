import { defineJob, done, JobHandler, skipped } from '../src/jobs/job';
import { JobEngine } from '../src/jobs/job-engine';
import { startTestApp, TestApp } from './support/test-app';

const until = async (cond: () => boolean | Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
};

describe('job engine (pg-boss on the service database)', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ JOBS_POLL_SECONDS: '1' }, { keepDatabase: true });
    // A second replica on the same database.
    b = await startTestApp({ JOBS_POLL_SECONDS: '1' }, { databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('enqueues inside a transaction: rolled back means the job never exists', async () => {
    const seen: string[] = [];
    const type = defineJob<{ tag: string }>('test.tx', { retryLimit: 0 });
    const handler: JobHandler<{ tag: string }> = { handle: async (p) => (seen.push(p.tag), done()) };
    a.app.get(JobEngine).register(type, handler);
    const jobs = a.app.get(JobEngine);
    await a.db.transaction(async (em) => {
      await jobs.send(type, { tag: 'committed' }, { tx: em });
    });
    await a.db
      .transaction(async (em) => {
        await jobs.send(type, { tag: 'rolled-back' }, { tx: em });
        throw new Error('abort');
      })
      .catch(() => undefined);
    await until(() => seen.length >= 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(seen).toEqual(['committed']);
  });

  it('drops a second send with the same dedupe key', async () => {
    const seen: number[] = [];
    const type = defineJob<{ n: number }>('test.dedupe', { retryLimit: 0 });
    a.app.get(JobEngine).register(type, { handle: async (p) => (seen.push(p.n), done()) });
    const jobs = a.app.get(JobEngine);
    const first = await jobs.send(type, { n: 1 }, { dedupeKey: 'customer-7:2026-11-23' });
    const second = await jobs.send(type, { n: 2 }, { dedupeKey: 'customer-7:2026-11-23' });
    expect(first).toEqual(expect.any(String));
    expect(second).toBeNull();
    await until(() => seen.length >= 1);
    await new Promise((r) => setTimeout(r, 1200));
    expect(seen).toEqual([1]);
  });

  it('brings a queued, delayed job forward, and says when there was none to bring', async () => {
    const seen: string[] = [];
    const type = defineJob<{ tag: string; extra?: boolean }>('test.expedite', { retryLimit: 0, policy: 'stately' });
    const jobs = a.app.get(JobEngine);
    jobs.register(type, { handle: async (p) => (seen.push(`${p.tag}:${p.extra ?? false}`), done()) });
    expect(await jobs.expedite(type, 'nothing-queued')).toBe(false);
    expect(await jobs.send(type, { tag: 'later' }, { singletonKey: 'acct-1', startAfter: 3600 })).toEqual(expect.any(String));
    expect(await jobs.expedite(type, 'acct-1', { extra: true })).toBe(true);
    await until(() => seen.length >= 1);
    expect(seen).toEqual(['later:true']);
  });

  it('shares work between two replicas with no job run twice', async () => {
    const runs = new Map<number, string[]>();
    const type = defineJob<{ n: number }>('test.shared', { retryLimit: 0, concurrency: 3 });
    const handlerFor = (replica: string): JobHandler<{ n: number }> => ({
      handle: async (p) => {
        runs.set(p.n, [...(runs.get(p.n) ?? []), replica]);
        // Long enough that one replica's three workers cannot drain the queue before the other's next poll.
        await new Promise((r) => setTimeout(r, 100));
        return done();
      },
    });
    a.app.get(JobEngine).register(type, handlerFor('a'));
    b.app.get(JobEngine).register(type, handlerFor('b'));
    // Sending through each replica first waits for that replica's workers to be up.
    for (let n = 0; n < 60; n++) await (n % 2 ? b : a).app.get(JobEngine).send(type, { n });
    await until(() => runs.size === 60, 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect([...runs.values()].every((r) => r.length === 1)).toBe(true);
    const replicas = new Set([...runs.values()].flat());
    expect(replicas.size).toBe(2);
  });

  it('fetches from a bulk-queued backlog without sorting the whole backlog on every fetch', async () => {
    const type = defineJob<{ n: number }>('test.backlog', { retryLimit: 0 });
    const seen: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const jobs = a.app.get(JobEngine);
    jobs.register(type, { handle: async (p) => (await gate, seen.push(p.n), done()) });
    await a.db.transaction((em) => jobs.sendMany(type, Array.from({ length: 600 }, (_, n) => ({ payload: { n } })), { tx: em }));
    // pg-boss's own fetch statement, planned as it runs it (with its parameters): an index in its ORDER BY, no sort.
    const { fetchNextJob } = require('pg-boss/src/plans') as { fetchNextJob: (schema: string) => (o: object) => string };
    const [{ 'QUERY PLAN': plan }] = await a.db.dataSource.query(`EXPLAIN (FORMAT JSON) ${fetchNextJob('pgboss')({ includeMetadata: true })}`, ['test.backlog', 5]);
    const text = JSON.stringify(plan);
    expect(text).toContain('_name_priority_created_on_id_');
    expect(text).not.toMatch(/"Sort Key":\[[^\]]*priority/);
    release();
    await until(() => seen.length === 600, 30_000);
    expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: 600 }, (_, n) => n)); // each once
  });

  it('retries a failing handler, and a skipped job is not retried', async () => {
    let attempts = 0;
    let skips = 0;
    const flaky = defineJob<object>('test.flaky', { retryLimit: 3, retryDelaySeconds: 1, retryBackoff: false });
    const skipper = defineJob<object>('test.skipper', { retryLimit: 3, retryDelaySeconds: 1 });
    const jobs = a.app.get(JobEngine);
    jobs.register(flaky, {
      handle: async () => {
        attempts++;
        if (attempts < 3) throw new Error('vendor said 503');
        return done();
      },
    });
    jobs.register(skipper, { handle: async () => (skips++, skipped('nothing to do')) });
    await jobs.send(flaky, {});
    await jobs.send(skipper, {});
    await until(() => attempts >= 3, 20_000);
    await new Promise((r) => setTimeout(r, 2500));
    expect(attempts).toBe(3);
    expect(skips).toBe(1);
  });
});
