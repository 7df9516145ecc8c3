import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config';
import { Database } from '../../src/db/database';

const LOCK = 727_169_999;

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set (the jest global setup sets it)');
  return url;
}

export function urlFor(database: string): string {
  const u = new URL(serverUrl());
  u.pathname = `/${database}`;
  return u.toString();
}

// Migrations run once per test run into a template database; every test file gets a fresh copy of it.
async function ensureTemplate(admin: Client, template: string): Promise<void> {
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
  if (rowCount) return;
  await admin.query(`CREATE DATABASE "${template}"`);
  const config = loadConfig({ DATABASE_URL: urlFor(template), LOG_LEVEL: 'silent', DATA_DIR: '/tmp/hostdigest-test' });
  const db = await Database.open(config, { runMigrations: true });
  await db.close();
}

export async function createTestDatabase(): Promise<string> {
  const run = process.env.HOSTDIGEST_TEST_RUN ?? 'local';
  const template = `hdt_${run}_template`;
  const name = `hdt_${run}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [LOCK]);
    await ensureTemplate(admin, template);
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [LOCK]).catch(() => undefined);
    await admin.end();
  }
  return urlFor(name);
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export type { DataSource };
