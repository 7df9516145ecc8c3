import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config/app-config';
import { Database } from '../src/db/database';
import { EventStore } from '../src/events/event-store';
import { NormalizedEvent } from '../src/events/normalized-event';
import { atSize } from './api-at-size';
import { cpuSeconds, cpuSpent, fmt, freshDatabase } from './bench-support';
import { seedLists } from './api-seed';

// API read throughput: GET /v1/... with an API key under concurrency 50, against a bare Node HTTP server
// returning the same JSON bytes (the baseline), measured by the same load generator process in the same run — once on
// the embedded PostgreSQL and once on the machine's server.
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const KEY = 'hd_benchmrk_' + 'r'.repeat(32);
// A page of each list a portal polls (events: the heaviest read, 50 rows, ~28 KB) and a single small resource (the
// per-request floor). BENCH_PATHS=events,customers runs a subset (by the path's first segment).
const ALL_PATHS = ['/v1/events?limit=50', '/v1/customers?limit=50', '/v1/sites?limit=50', '/v1/digests?limit=50', '/v1/deliveries?limit=50', '/v1/organization'];
const only = process.env.BENCH_PATHS?.split(',').map((x) => x.trim()).filter(Boolean);
const PATHS = ALL_PATHS.filter((p) => !only || only.some((o) => p.startsWith(`/v1/${o}`)));
// embedded, server or both (the default)
const DBS = process.env.BENCH_DB ?? 'both';

interface Load { requests: number; errors: number; rps: number; p50: number; p99: number }

async function load(url: string, key?: string, seconds = SECONDS): Promise<Load> {
  const args = [join(__dirname, 'load-client.js'), url, String(CONCURRENCY), String(seconds), ...(key ? [key] : [])];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Load;
}

// The ways take turns, ROUNDS times SECONDS / ROUNDS each, so that what else the machine is doing weighs on all
// of them alike (one after the other, a burst of load elsewhere moved the ratio by 2×). Per way: requests/s over
// its whole time, the median of its rounds' p50 and the worst of their p99.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// Events seeded in one organization for the at-size part (server PostgreSQL only; 0 skips it): api-at-size.ts.
const AT_SIZE = Number(process.env.BENCH_AT_SIZE ?? 10_000_000);

async function interleaved(ways: { url: string; key?: string }[]): Promise<Load[]> {
  const slice = SECONDS / ROUNDS;
  const rounds: Load[][] = ways.map(() => []);
  for (let r = 0; r < ROUNDS; r++) for (const [i, w] of ways.entries()) rounds[i].push(await load(w.url, w.key, slice));
  return rounds.map((rs) => {
    const p50s = rs.map((x) => x.p50).sort((a, b) => a - b);
    const requests = rs.reduce((n, x) => n + x.requests, 0);
    return {
      requests,
      errors: rs.reduce((n, x) => n + x.errors, 0),
      rps: requests / rs.reduce((t, x) => t + x.requests / x.rps, 0),
      p50: p50s[Math.floor(p50s.length / 2)],
      p99: Math.max(...rs.map((x) => x.p99)),
    };
  });
}

async function seed(app: NestFastifyApplication): Promise<void> {
  const db = app.get(Database);
  const [{ id }] = await db.dataSource.query(`SELECT id FROM organizations WHERE is_default`);
  const events: NormalizedEvent[] = Array.from({ length: 5000 }, (_, i) => ({
    externalId: `bench-${i}`, kind: i % 3 ? 'detection' : 'cleanup', vendorType: 'file', classification: 'malicious',
    severity: 'critical', server: `web${i % 7}.example`, agentId: null, accountUser: `user${i % 50}`, domain: `site${i % 50}.example`,
    vendorSiteId: null, filePath: `/home/user${i % 50}/public_html/wp-content/x${i}.php`, fileHash: 'f'.repeat(64),
    process: null, threatName: 'php.webshell.generic', occurredAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000), raw: { i },
  }));
  await db.transaction((em) => app.get(EventStore).insert(em, { organizationId: id, source: 'push:bench', vendorAccountId: null }, events));
  await seedLists(db, id);
  await db.dataSource.query('ANALYZE'); // as autovacuum would soon after a bulk load
}

// One endpoint of a running service against a bare Node server and bare Fastify serving the bytes it answered.
async function compare(origin: string, path: string, pgPids: () => Promise<number[]>): Promise<void> {
  const sample = await fetch(origin + path, { headers: { authorization: `Bearer ${KEY}` } });
  if (sample.status !== 200) throw new Error(`GET ${path} answered ${sample.status}: ${await sample.text()}`);
  const body = Buffer.from(await sample.arrayBuffer());
  const bare = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }).end(body));
  // The HTTP framework alone (Fastify 5, which NestJS runs on here): the ceiling of any endpoint of the service.
  const plain = new FastifyAdapter({ logger: false }).getInstance();
  plain.get('/*', (_, reply) => reply.type('application/json; charset=utf-8').send(body));
  await plain.listen({ port: 0, host: '127.0.0.1' });
  const bareServer = await listen(bare);
  const plainServer = plain.server;
  try {
    await load(origin + path, KEY, 3); // warm-up (JIT, pools)
    const [api, baseline, framework] = await interleaved([
      { url: origin + path, key: KEY }, { url: `${urlOf(bareServer)}${path}` }, { url: `${urlOf(plainServer)}${path}` },
    ]);
    const line = (name: string, r: Load) => `${name}: ${fmt(r.rps)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`;
    console.log(`    GET ${path} (${(body.length / 1024).toFixed(1)} KB)`);
    console.log(`      ${line('hostdigest', api)}, ${api.errors} non-200 of ${fmt(api.requests)}`);
    console.log(`      ${line('bare Node HTTP, same bytes', baseline)}`);
    console.log(`      ${line('bare Fastify 5, same bytes', framework)} (ratio to bare Node ${(framework.rps / baseline.rps).toFixed(2)})`);
    console.log(`      ratio hostdigest / bare Node: ${(api.rps / baseline.rps).toFixed(2)} (target ≥ 0.35); hostdigest / bare Fastify: ${(api.rps / framework.rps).toFixed(2)}`);
    // CPU per request of the service and its PostgreSQL backends, which other load on the machine sways less than
    // requests/s (measured on a run of its own).
    const pids = await pgPids();
    const before = cpuSeconds(pids);
    const node0 = process.cpuUsage();
    const run = await load(origin + path, KEY, Math.max(2, SECONDS / ROUNDS));
    const node1 = process.cpuUsage(node0);
    const after = cpuSeconds(pids);
    for (const [pid, s] of after) if (s === 0) before.delete(pid); // a backend that ended meanwhile (pool idle timeout)
    const pg = cpuSpent(before, after);
    const per = (s: number) => ((s * 1000) / run.requests).toFixed(3);
    console.log(`      CPU per request: service ${per((node1.user + node1.system) / 1e6)} ms, PostgreSQL ${per(pg)} ms (${fmt(run.rps)} req/s in that run)`);
  } finally {
    bareServer.close();
    await plain.close();
  }
}

const listen = (server: Server) => new Promise<Server>((r) => server.listen(0, '127.0.0.1', () => r(server)));
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function measure(label: string, env: Record<string, string>, atSizeToo = false): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hostdigest-bench-api-'));
  const app = await createApp(loadConfig({
    PORT: '0', LOG_LEVEL: 'warn', HOSTDIGEST_ROLES: 'api', HOSTDIGEST_SIMULATOR: 'off', DATA_DIR: dataDir,
    HOSTDIGEST_ADMIN_KEY: KEY, RATE_LIMIT_PER_MINUTE: '100000000', EMBEDDED_PG_PORT: '54391', ...env,
  }));
  try {
    await app.listen(0, '127.0.0.1');
    await seed(app);
    console.log(`  ${label}`);
    const db = app.get(Database);
    const pgPids = async () => (await db.dataSource.query(`SELECT pid FROM pg_stat_activity WHERE application_name = 'hostdigest'`)).map((r: { pid: number }) => r.pid);
    for (const path of PATHS) await compare(urlOf(app.getHttpServer()), path, pgPids);
    if (atSizeToo) await atSize(app, urlOf(app.getHttpServer()), KEY, AT_SIZE);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`API read benchmark: concurrency ${CONCURRENCY}, ${SECONDS} s per run, load generator in its own process`);
  if (DBS !== 'server') await measure('embedded PostgreSQL (no DATABASE_URL)', {});
  if (DBS === 'embedded') return;
  const db = await freshDatabase('hostdigest_bench_api');
  try {
    await measure(`PostgreSQL server (${db.url.replace(/\/\/.*@/, '//')})`, { DATABASE_URL: db.url }, AT_SIZE > 0);
  } finally {
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
