import { Client } from 'pg';
import type { EmbeddedPostgres } from '../../src/db/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const pg = (globalThis as { __embeddedPg?: EmbeddedPostgres }).__embeddedPg;
  if (pg) return pg.stop();
  // On a shared server, drop this run's databases.
  const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`hdt_${process.env.HOSTDIGEST_TEST_RUN}_%`]);
    for (const r of rows) await client.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
