import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { Database } from '../../src/db/database';
import { createTestDatabase, dropTestDatabase } from './test-database';

export const ADMIN_KEY = 'hd_testadmn_' + 'x'.repeat(32);

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  baseUrl: string;
  databaseUrl: string;
  db: Database;
  dataDir: string;
  api: (method: string, path: string, opts?: { body?: unknown; key?: string | null; headers?: Record<string, string>; raw?: string }) => Promise<ApiResponse>;
  close: () => Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

// Boots the whole service on a fresh copy of the migrated test database, listening on an ephemeral port.
export async function startTestApp(env: Record<string, string> = {}, opts: { databaseUrl?: string; keepDatabase?: boolean } = {}): Promise<TestApp> {
  const databaseUrl = opts.databaseUrl ?? (await createTestDatabase());
  const dataDir = mkdtempSync(join(tmpdir(), 'hostdigest-test-'));
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HOSTDIGEST_ADMIN_KEY: ADMIN_KEY,
    HOSTDIGEST_SECRET_KEY: 'test-secret-key-material-0123456789',
    HOSTDIGEST_SIMULATOR: 'off',
    OUTBOUND_ALLOW_HOSTS: '127.0.0.1', // the vendor fakes and webhook receivers listen there; nothing else is allowed
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...env,
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as import('node:net').AddressInfo;
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const api: TestApp['api'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const key = o.key === undefined ? ADMIN_KEY : o.key;
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | undefined = o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
  return {
    app,
    config,
    baseUrl,
    databaseUrl,
    db: app.get(Database),
    dataDir,
    api,
    close: async () => {
      await app.close(); // pg-boss's worker cleanup may outlive this: see pg-boss-timers.js
      if (!opts.keepDatabase && !opts.databaseUrl) await dropTestDatabase(databaseUrl);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
