import 'reflect-metadata';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import os from 'node:os';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Agent, request } from 'undici';
import { createApp } from '../src/app';
import { AppConfig, loadConfig } from '../src/config/app-config';
import { Database } from '../src/db/database';
import { DestinationsService } from '../src/destinations/destinations.service';
import { EventStore } from '../src/events/event-store';
import type { NormalizedEvent } from '../src/events/normalized-event';
import { cpuSeconds, cpuSpent, fmt, freshDatabase } from './bench-support';

// Signed webhook deliveries (security_event.created) from the pipeline — the event stored, its delivery and job
// written by the same statement, the send job, signing, the HTTP client with its SSRF guard, the attempt recorded —
// to a local receiver (its own process), on one replica; against a bare loop of unsigned POSTs of the same size to
// the same receiver with the same concurrency, taking turns in the same run. Then a sustained phase at a fixed
// event rate: latency from the event's insert (its commit) to the receiver's 2xx.
// Targets: ≥ 1,000 deliveries/s, ratio ≥ 0.5; p99 < 1 s at 500 events/s sustained for 60 s.
const N = Number(process.env.BENCH_DELIVERIES ?? 5000);
const TURNS = Number(process.env.BENCH_TURNS ?? 2);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SUSTAINED_SECONDS = Number(process.env.BENCH_SUSTAINED_SECONDS ?? 60);
const CONCURRENCY = process.env.DELIVERY_SEND_CONCURRENCY ?? '16';

interface Receiver {
  port: number;
  pid: number;
  count: () => number;
  arrivals: Map<string, number>; // event id → time of the 2xx (ms, epoch)
  reset: () => void;
  stop: () => void;
}

async function startReceiver(): Promise<Receiver> {
  const ext = __filename.endsWith('.ts') ? '.ts' : '.js';
  const child = fork(join(__dirname, `webhook-counter${ext}`), [], { execArgv: ext === '.ts' ? ['-r', join(__dirname, '../test/support/swc-register.js')] : [] });
  let count = 0;
  const arrivals = new Map<string, number>();
  const port = await new Promise<number>((resolve) => child.on('message', (m: { port?: number; count?: number; arrivals?: [string, number][] }) => {
    if (m.port) resolve(m.port);
    if (m.count !== undefined) count = m.count;
    for (const [id, t] of m.arrivals ?? []) arrivals.set(id, t);
  }));
  return { port, pid: child.pid!, count: () => count, arrivals, reset: () => { child.send({ reset: true }); count = 0; arrivals.clear(); }, stop: () => child.kill() };
}

let seq = 0;
function events(n: number): NormalizedEvent[] {
  const out: NormalizedEvent[] = [];
  for (let i = 0; i < n; i++) {
    const k = seq++;
    out.push({
      externalId: `bench-${k}`, kind: 'detection', vendorType: 'detection', classification: 'malicious', severity: 'critical',
      server: `web${k % 40}`, agentId: null, accountUser: `u${k % 500}`, domain: `s${k % 500}.bench.example`, vendorSiteId: null,
      filePath: `/home/u${k % 500}/public_html/wp-content/plugins/p${k % 37}/includes/${k % 301}.php`, fileHash: null, process: null,
      threatName: 'PHP.Webshell.WSO', occurredAt: new Date(), raw: {},
    });
  }
  return out;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const db = await freshDatabase('hostdigest_bench_deliveries');
  const receiver = await startReceiver();
  const url = `http://127.0.0.1:${receiver.port}/hooks`;
  let app: NestFastifyApplication | null = null;
  const bare = new Agent({ keepAliveTimeout: 60_000, connections: Number(CONCURRENCY) });
  try {
    app = await createApp(loadConfig({
      DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'warn', HOSTDIGEST_ROLES: 'worker', HOSTDIGEST_SIMULATOR: 'off',
      DATA_DIR: '/tmp/hostdigest-bench', HOSTDIGEST_ADMIN_KEY: 'hd_benchmrk_' + 'b'.repeat(32), HOSTDIGEST_SECRET_KEY: 'bench-secret-key-material-0123456789',
      OUTBOUND_ALLOW_HOSTS: '127.0.0.1', DELIVERY_SEND_CONCURRENCY: CONCURRENCY,
      ...(process.env.DB_POOL_SIZE ? { DB_POOL_SIZE: process.env.DB_POOL_SIZE } : {}),
    }));
    await app.init();
    const config = app.get(AppConfig);
    const database = app.get(Database);
    const [{ id: org }] = await database.dataSource.query(`SELECT id FROM organizations WHERE is_default`);
    await app.get(DestinationsService).create({ organizationId: org, scopes: ['admin'] }, { kind: 'webhook', name: 'bench', config: { url }, eventTypes: ['security_event.created'] });
    const store = app.get(EventStore);
    const src = { organizationId: org, source: 'push:bench', vendorAccountId: null };
    const inserted = new Map<string, number>(); // event id → its commit (ms, epoch)
    const insert = async (batch: NormalizedEvent[]) => {
      const stored = await database.transaction((em) => store.insert(em, { ...src }, batch));
      const t = now();
      for (const e of stored) inserted.set(e.id, t);
      return stored.length;
    };
    const backends = async () => (await database.dataSource.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)).map((r: { pid: number }) => r.pid);
    const commits = async () => {
      await sleep(600); // statistics reach pg_stat_database within 500 ms
      return Number((await database.dataSource.query(`SELECT xact_commit::float8 AS n FROM pg_stat_database WHERE datname = current_database()`))[0].n);
    };
    const waitArrivals = async (ids: string[], timeoutMs: number) => {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end && ids.some((id) => !receiver.arrivals.has(id))) await sleep(50);
      return ids.filter((id) => receiver.arrivals.has(id)).length;
    };
    const latencies = (ids: string[]) => ids.filter((id) => receiver.arrivals.has(id)).map((id) => receiver.arrivals.get(id)! - inserted.get(id)!).sort((a, b) => a - b);
    console.log(`deliveries benchmark: ${fmt(N)} events per turn, ${TURNS} turns each; ${config.deliveries.sendConcurrency} send workers × batches of ${config.deliveries.sendBatch} ` +
      `(the bare loop: as many concurrent POSTs), database pool ${config.database.poolSize}; ${os.cpus().length} cores`);

    // warm-up: connections, statement plans, job workers polling
    const warm = inserted.size;
    await insert(events(200));
    const warmed = await waitArrivals([...inserted.keys()].slice(warm), 10_000);
    if (warmed < 200) {
      const states = await database.dataSource.query(`SELECT status, count(*)::int AS n, max(last_error) AS error FROM deliveries GROUP BY status`);
      throw new Error(`warm-up: ${warmed} of 200 delivered (receiver counted ${receiver.count()}); deliveries: ${JSON.stringify(states)}`);
    }

    const sample = JSON.stringify({ type: 'security_event.created', timestamp: new Date().toISOString(), data: { event: events(1)[0], customer: null, site: null } });
    let pipeCpu = { node: 0, pg: 0, n: 0, commits: 0 };
    const pipe: number[] = [];
    const loop: number[] = [];
    const turnLatencies: number[] = [];
    for (let turn = 1; turn <= TURNS; turn++) {
      // the pipeline: events inserted as fast as the store takes them (batches of 500), delivered by the send jobs
      receiver.reset();
      const commitsBefore = await commits();
      const before = { self: process.cpuUsage(), pg: cpuSeconds(await backends()) };
      const started = now();
      const ids: string[] = [];
      const firstKey = inserted.size;
      for (let i = 0; i < N; i += 500) await insert(events(Math.min(500, N - i)));
      ids.push(...[...inserted.keys()].slice(firstKey));
      const got = await waitArrivals(ids, 120_000);
      const last = Math.max(...ids.map((id) => receiver.arrivals.get(id) ?? 0));
      const seconds = (last - started) / 1000;
      const self = process.cpuUsage(before.self);
      pipeCpu = { node: pipeCpu.node + (self.user + self.system) / 1e6, pg: pipeCpu.pg + cpuSpent(before.pg, cpuSeconds(await backends())), n: pipeCpu.n + got, commits: pipeCpu.commits };
      pipeCpu.commits += (await commits()) - commitsBefore;
      const lat = latencies(ids);
      turnLatencies.push(...lat);
      pipe.push(got / seconds);
      console.log(`  turn ${turn} pipeline: ${fmt(got)} of ${fmt(ids.length)} signed deliveries in ${seconds.toFixed(2)} s = ${fmt(got / seconds)}/s; ` +
        `insert→2xx p50 ${fmt(pct(lat, 0.5))} ms, p99 ${fmt(pct(lat, 0.99))} ms`);

      // the bare loop: the same number of unsigned POSTs, as many at once as the pipeline's send workers
      receiver.reset();
      const t0 = now();
      let next = 0;
      await Promise.all(Array.from({ length: Number(CONCURRENCY) }, async () => {
        while (next++ < N) {
          const res = await request(url, { method: 'POST', body: sample, headers: { 'content-type': 'application/json' }, dispatcher: bare });
          await res.body.text();
        }
      }));
      const bareSeconds = (now() - t0) / 1000;
      loop.push(N / bareSeconds);
      console.log(`  turn ${turn} bare loop: ${fmt(N)} unsigned POSTs in ${bareSeconds.toFixed(2)} s = ${fmt(N / bareSeconds)}/s`);
    }
    const bestPipe = Math.max(...pipe);
    const bestLoop = Math.max(...loop);
    turnLatencies.sort((a, b) => a - b);
    console.log(`  throughput: pipeline ${fmt(bestPipe)} deliveries/s (best turn), bare loop ${fmt(bestLoop)}/s, ratio ${(bestPipe / bestLoop).toFixed(2)}; ` +
      `targets ≥ 1,000/s ${bestPipe >= 1000 ? 'met' : 'NOT met'}, ratio ≥ 0.5 ${bestPipe / bestLoop >= 0.5 ? 'met' : 'NOT met'}`);
    console.log(`  CPU per delivery (pipeline turns, events' inserts included): service ${((pipeCpu.node * 1000) / pipeCpu.n).toFixed(2)} ms, ` +
      `PostgreSQL backends ${((pipeCpu.pg * 1000) / pipeCpu.n).toFixed(2)} ms; ${(pipeCpu.commits / pipeCpu.n).toFixed(1)} transactions (statements outside one included) per delivery`);

    // sustained: RATE events/s, inserted every 100 ms, for SUSTAINED_SECONDS
    receiver.reset();
    const firstKey = inserted.size;
    const before = { self: process.cpuUsage(), pg: cpuSeconds(await backends()) };
    const start = now();
    let sent = 0;
    while (now() - start < SUSTAINED_SECONDS * 1000) {
      const due = Math.floor(((now() - start) / 1000) * RATE);
      if (due > sent) sent += await insert(events(due - sent));
      await sleep(100 - ((now() - start) % 100));
    }
    const insertSeconds = (now() - start) / 1000;
    const ids = [...inserted.keys()].slice(firstKey);
    const got = await waitArrivals(ids, 120_000);
    const drainedSeconds = (now() - start) / 1000;
    const self = process.cpuUsage(before.self);
    const cpu = { node: (self.user + self.system) / 1e6, pg: cpuSpent(before.pg, cpuSeconds(await backends())) };
    const lat = latencies(ids);
    console.log(`  sustained: ${fmt(ids.length)} events at ${fmt(ids.length / insertSeconds)}/s for ${SUSTAINED_SECONDS} s (BENCH_SUSTAINED_SECONDS), ` +
      `${fmt(got)} delivered; insert→2xx p50 ${fmt(pct(lat, 0.5))} ms, p99 ${fmt(pct(lat, 0.99))} ms, max ${fmt(lat[lat.length - 1])} ms; ` +
      `target p99 < 1 s ${pct(lat, 0.99) < 1000 && got === ids.length ? 'met' : 'NOT met'}; CPU per delivery: service ${((cpu.node * 1000) / Math.max(1, got)).toFixed(2)} ms, ` +
      `PostgreSQL ${((cpu.pg * 1000) / Math.max(1, got)).toFixed(2)} ms (${Math.round((100 * (cpu.node + cpu.pg)) / drainedSeconds)}% of one core together until the last was delivered, ${drainedSeconds.toFixed(1)} s)`);
  } finally {
    await app?.close();
    await bare.close();
    receiver.stop();
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
