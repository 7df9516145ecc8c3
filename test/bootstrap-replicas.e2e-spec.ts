import { Client } from 'pg';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

// Replicas starting together on a fresh database: each must start, and together they leave one organization and one
// admin key (the issue: 6 of 55 two-replica starts crashed on api_keys_prefix_key).
describe('bootstrap: replicas starting together on a fresh database', () => {
  const ROUNDS = 10;
  const REPLICAS = 3;

  const startTogether = async (env: Record<string, string>) => {
    const databaseUrl = await createTestDatabase();
    const started = await Promise.allSettled(Array.from({ length: REPLICAS }, () => startTestApp({ HOSTDIGEST_ROLES: 'api', ...env }, { databaseUrl })));
    const apps = started.filter((s): s is PromiseFulfilledResult<TestApp> => s.status === 'fulfilled').map((s) => s.value);
    const failures = started.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => String(s.reason?.message ?? s.reason));
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const [{ orgs }] = (await db.query(`SELECT count(*)::int AS orgs FROM organizations`)).rows;
      const keys = (await db.query(`SELECT organization_id, scopes FROM api_keys`)).rows;
      const answers = await Promise.all(apps.map(async (a) => (await a.api('GET', '/v1/organization', { key: env.HOSTDIGEST_ADMIN_KEY ?? ADMIN_KEY })).status));
      return { failures, orgs, keys, answers };
    } finally {
      await db.end();
      await Promise.all(apps.map((a) => a.close()));
      await dropTestDatabase(databaseUrl);
    }
  };

  it(`with HOSTDIGEST_ADMIN_KEY: ${REPLICAS} at once, ${ROUNDS} times, every replica starts and one organization has one admin key`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const r = await startTogether({});
      expect({ round, failures: r.failures }).toEqual({ round, failures: [] });
      expect(r.orgs).toBe(1);
      expect(r.keys).toEqual([{ organization_id: expect.any(String), scopes: ['admin'] }]);
      expect(r.answers).toEqual([200, 200, 200]); // the key works on every replica
    }
  }, 150_000); // 1–2 s a round on an idle machine; room for a loaded one

  it(`without HOSTDIGEST_ADMIN_KEY: ${REPLICAS} at once, twice, one organization and one printed admin key`, async () => {
    const write = process.stdout.write;
    let printed = 0;
    process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (String(chunk).includes('store it now')) return Boolean(++printed); // counted, not shown
      return (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      for (let round = 0; round < 2; round++) {
        printed = 0;
        const r = await startTogether({ HOSTDIGEST_ADMIN_KEY: '' });
        expect({ round, failures: r.failures }).toEqual({ round, failures: [] });
        expect(r.orgs).toBe(1);
        expect(r.keys).toHaveLength(1);
        expect(printed).toBe(1);
      }
    } finally {
      process.stdout.write = write;
    }
  });
});
