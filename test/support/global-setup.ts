import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgres } from '../../src/db/embedded-postgres';

// TEST_DATABASE_URL set: the tests use that server. Unset: they start an embedded PostgreSQL of their own, so
// `npm test` needs no database server on the machine.
export default async function globalSetup(): Promise<void> {
  process.env.HOSTDIGEST_TEST_RUN = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  if (process.env.TEST_DATABASE_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'hostdigest-test-pg-'));
  const pg = new EmbeddedPostgres({ dir: join(dir, 'data'), port: 55000 + (process.pid % 5000), database: 'postgres' });
  process.env.TEST_DATABASE_URL = await pg.start();
  (globalThis as { __embeddedPg?: EmbeddedPostgres }).__embeddedPg = pg;
}
