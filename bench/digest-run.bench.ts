import 'reflect-metadata';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import os from 'node:os';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app';
import { AppConfig, loadConfig } from '../src/config/app-config';
import { Database } from '../src/db/database';
import { DigestData } from '../src/digests/digest-data';
import { DigestScheduler } from '../src/digests/digest-scheduler';
import { cpuSeconds, cpuSpent, fmt, freshDatabase, reusedDatabase, withPeakRss } from './bench-support';

// "Run" end to end on the local PostgreSQL: N customers due at once with E events in their period, from the
// scheduler tick to the last email accepted by a local SMTP server (its own process). Then again with 2N customers
// and 2E events: total time, emails/s, aggregation time, peak RSS. Targets for 10,000 / 1,000,000: under 60 s end
// to end, RSS under 400 MB, and RSS flat when the customer count doubles.
const N = Number(process.env.BENCH_CUSTOMERS ?? 10_000);
const EVENTS_PER_CUSTOMER = Number(process.env.BENCH_EVENTS_PER_CUSTOMER ?? 100);
const ROUNDS = (process.env.BENCH_ROUNDS ?? `${N / 2},${N}`).split(',').map(Number);

interface Smtp {
  port: number;
  pid: number;
  count: () => number;
  bytes: () => number;
  reset: () => void;
  stop: () => void;
}

async function startSmtp(): Promise<Smtp> {
  const ext = __filename.endsWith('.ts') ? '.ts' : '.js';
  const child = fork(join(__dirname, `smtp-counter${ext}`), [], { execArgv: ext === '.ts' ? ['-r', join(__dirname, '../test/support/swc-register.js')] : [] });
  let count = 0;
  let bytes = 0;
  const port = await new Promise<number>((resolve) => child.on('message', (m: { port?: number; count?: number; bytes?: number }) => {
    if (m.port) resolve(m.port);
    if (m.count !== undefined) [count, bytes] = [m.count, m.bytes ?? 0];
  }));
  return { port, pid: child.pid!, count: () => count, bytes: () => bytes, reset: () => { child.send({ reset: true }); count = 0; bytes = 0; }, stop: () => child.kill() };
}

// Customers (10 % with 10 sites, one with 2,000), their subscriptions (daily, due now) and the period's events:
// detections, cleanups, quarantines, kills, protection changes, agent status, over a few hundred paths per site.
async function seed(db: Database, org: string, tag: string, customers: number, period: { start: Date; end: Date }): Promise<void> {
  const q = (sql: string, p: unknown[] = []) => db.dataSource.query(sql, p);
  await q(
    `INSERT INTO customers (organization_id, external_ref, name, emails, time_zone, locale)
     SELECT $1, $2 || i, 'Customer ' || i || ' ' || $2, ARRAY['it@c' || i || '-' || $2 || '.example'], 'UTC', (ARRAY['en','de','fr','es','nl'])[1 + i % 5]
     FROM generate_series(1, $3) AS i`,
    [org, tag, customers],
  );
  await q(
    `INSERT INTO sites (organization_id, customer_id, domains, server, account_user)
     SELECT c.organization_id, c.id, ARRAY['s' || g || '.' || c.external_ref || '.example'], 'web' || (g % 40), 'u' || g
     FROM customers c, LATERAL generate_series(1, CASE WHEN c.external_ref = $2 || '1' THEN 2000 WHEN hashtext(c.external_ref) % 10 = 0 THEN 10 ELSE 2 END) AS g
     WHERE c.organization_id = $1 AND c.external_ref LIKE $2 || '%'`,
    [org, tag],
  );
  await q(
    `INSERT INTO digest_subscriptions (customer_id, organization_id, cadence, send_time, time_zone, skip_when_empty, next_due_at, active_since)
     SELECT id, organization_id, 'daily', '00:00', 'UTC', true, now() - interval '1 minute', now() - interval '7 days'
     FROM customers WHERE organization_id = $1 AND external_ref LIKE $2 || '%'`,
    [org, tag],
  );
  // Events: the big customer gets 10 % of them, the rest spread over everyone's sites; 20 % more in the previous period.
  const total = customers * EVENTS_PER_CUSTOMER;
  const spanMs = period.end.getTime() - period.start.getTime();
  await q(`CREATE TEMP TABLE bench_sites AS
           SELECT s.id, s.customer_id, s.domains[1] AS domain, row_number() OVER (ORDER BY s.id) AS n
           FROM sites s JOIN customers c ON c.id = s.customer_id WHERE c.organization_id = $1 AND c.external_ref LIKE $2 || '%'`, [org, tag]);
  const [{ n: siteCount }] = await q(`SELECT count(*)::int AS n FROM bench_sites`);
  for (const [share, from, span] of [[1, period.start.getTime(), spanMs], [0.2, period.start.getTime() - spanMs, spanMs]] as const) {
    const count = Math.round(total * share);
    for (let done = 0; done < count; done += 250_000) {
      await q(
        `INSERT INTO events (organization_id, source, external_id, kind, vendor_type, severity, severity_rank, domain, file_path, threat_name,
                             occurred_at, customer_id, site_id, match_rule, raw)
         SELECT $1, 'bench', $2 || ':' || i, k.kind, k.kind, k.sev, k.rank, s.domain,
                CASE WHEN k.kind IN ('detection','cleanup','quarantine','file_deleted') THEN '/home/u/public_html/wp-content/plugins/p' || (i % 37) || '/includes/' || (i % 301) || '.php' END,
                CASE WHEN k.kind IN ('detection','quarantine','process_killed') THEN (ARRAY['PHP.Webshell.WSO','JS.Skimmer','PHP.Backdoor','Miner.XMRig'])[1 + i % 4] END,
                to_timestamp(($3 + (i::bigint * 7919 % $4)) / 1000.0), s.customer_id, s.id, 'dom',
                CASE WHEN k.kind = 'protection_changed' THEN '{"data":{"mode":"active"}}'::jsonb ELSE '{}'::jsonb END
         FROM generate_series($5::bigint, $6::bigint) AS i
         JOIN bench_sites s ON s.n = 1 + CASE WHEN i % 10 = 0 THEN (i / 10) % 2000 ELSE (i * 48271) % $7 END
         CROSS JOIN LATERAL (SELECT * FROM (VALUES
           (0, 'detection', 'high', 3), (1, 'cleanup', NULL, 0), (2, 'detection', 'critical', 4), (3, 'cleanup', NULL, 0),
           (4, 'quarantine', 'medium', 2), (5, 'process_killed', 'high', 3), (6, 'detection', 'low', 1), (7, 'agent_status', NULL, 0),
           (8, 'protection_changed', NULL, 0), (9, 'other', NULL, 0)) v(m, kind, sev, rank) WHERE v.m = i % 10) k`,
        [org, `${tag}:${from}`, from, span, done + 1, Math.min(count, done + 250_000), siteCount],
      );
    }
  }
  await q(`DROP TABLE bench_sites`);
  // As autovacuum would have done after the bulk load: statistics and the visibility map of the seeded rows (else
  // it starts during the run, on a million fresh rows, and the run measures it).
  await q(`VACUUM (ANALYZE) events`);
  await q(`VACUUM (ANALYZE) sites`);
}

// BENCH_REUSE=<database> (a database kept by BENCH_KEEP=1, seeded on the same UTC day): the seeded rows are kept
// and only the run's own state is reset (ledger rows, jobs, due times), so that a change can be measured again
// without 80 s of seeding.
const reuse = process.env.BENCH_REUSE;

async function resetSeeded(db: Database, tag: string, jobSchema: string): Promise<void> {
  const q = (sql: string, p: unknown[] = []) => db.dataSource.query(sql, p);
  await q(`DELETE FROM digests d USING customers c WHERE c.id = d.customer_id AND c.external_ref LIKE $1 || '%'`, [tag]);
  await q(`UPDATE digest_subscriptions s SET next_due_at = now() - interval '1 minute' FROM customers c WHERE c.id = s.customer_id AND c.external_ref LIKE $1 || '%'`, [tag]);
  await q(`DELETE FROM "${jobSchema}".job WHERE name LIKE 'digests.%'`);
  await q(`VACUUM (ANALYZE) digests`);
}

async function round(app: NestFastifyApplication, smtp: Smtp, customers: number): Promise<void> {
  const db = app.get(Database);
  const [{ id: org }] = await db.dataSource.query(`SELECT id FROM organizations WHERE is_default`);
  const tag = `r${customers}x`;
  const day = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const period = { start: new Date(day - 86_400_000), end: new Date(day) };
  let started = performance.now();
  if (reuse) await resetSeeded(db, tag, app.get(AppConfig).jobs.schema);
  else await seed(db, org, tag, customers, period);
  const [{ n: events }] = await db.dataSource.query(
    `SELECT count(*)::int AS n FROM events WHERE organization_id = $1 AND occurred_at >= $2 AND occurred_at < $3 AND external_id LIKE $4`,
    [org, period.start, period.end, `${tag}:%`],
  );
  console.log(`  seeded ${fmt(customers)} customers, ${fmt(events)} events in the period in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // Aggregation time: DigestData's one statement per batch of customers, measured where the send path calls it.
  const data = app.get(DigestData);
  const build = data.buildMany.bind(data);
  const timings: number[] = [];
  let aggregated = 0;
  data.buildMany = async (items) => {
    const t0 = performance.now();
    try {
      return await build(items);
    } finally {
      timings.push(performance.now() - t0);
      aggregated += items.length;
    }
  };
  smtp.reset();
  global.gc?.();
  await new Promise((r) => setTimeout(r, 300));
  // Where the CPU goes: this process, the SMTP server's, and the database's backends for this database.
  const backends = async () => (await db.dataSource.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)).map((r: { pid: number }) => r.pid);
  const dbStats = async () => (await db.dataSource.query(
    `SELECT xact_commit::float8 AS commits, tup_fetched::float8 + tup_returned::float8 AS tuples FROM pg_stat_database WHERE datname = current_database()`))[0] as { commits: number; tuples: number };
  const statsBefore = await dbStats();
  const cpuBefore = { self: process.cpuUsage(), smtp: cpuSeconds([smtp.pid]), pg: cpuSeconds(await backends()) };
  started = performance.now();
  let tickMs = 0;
  const { result: sent, peakRssMb, atPeak } = await withPeakRss(async () => {
    const tick = await app.get(DigestScheduler).tick({ organizationId: org });
    tickMs = performance.now() - started;
    const expected = tick.queued;
    // Done when every queued row is settled and the SMTP server counted the sent ones. The ledger is asked only
    // when the SMTP count stalls or is complete, so that the bench's own polling costs the database little.
    let lastCount = -1;
    const timeline: number[] = [];
    const sampler = setInterval(() => timeline.push(smtp.count()), 5000);
    const finish = <T>(r: T): T => {
      clearInterval(sampler);
      if (process.env.BENCH_TIMELINE) console.log(`  emails accepted per 5 s: ${timeline.map((n, i) => n - (timeline[i - 1] ?? 0)).join(' ')}`);
      return r;
    };
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      const count = smtp.count();
      if (count !== lastCount && count < expected) {
        lastCount = count;
        continue;
      }
      const [{ open, skipped, failed }] = await db.dataSource.query(
        `SELECT count(*) FILTER (WHERE d.status IN ('pending','rendered','sending'))::int AS open, count(*) FILTER (WHERE d.status = 'skipped')::int AS skipped,
                count(*) FILTER (WHERE d.status IN ('failed','unknown'))::int AS failed
         FROM digests d JOIN customers c ON c.id = d.customer_id WHERE c.external_ref LIKE $1`,
        [`${tag}%`],
      );
      if (open === 0 && smtp.count() >= expected - skipped - failed) return finish({ expected, skipped, failed });
      lastCount = -1;
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const selfCpu = process.cpuUsage(cpuBefore.self);
  const cpu = {
    node: (selfCpu.user + selfCpu.system) / 1e6,
    smtp: cpuSpent(cpuBefore.smtp, cpuSeconds([smtp.pid])),
    pg: cpuSpent(cpuBefore.pg, cpuSeconds(await backends())),
  };
  await new Promise((r) => setTimeout(r, 600)); // statistics reach pg_stat_database within 500 ms
  const statsAfter = await dbStats();
  data.buildMany = build;
  timings.sort((a, b) => a - b);
  const sum = timings.reduce((a, b) => a + b, 0);
  const pct = (p: number) => timings[Math.min(timings.length - 1, Math.floor(timings.length * p))]?.toFixed(1);
  console.log(`  run: ${fmt(smtp.count())} emails accepted (${fmt(sent.skipped)} skipped empty, ${sent.failed} failed) in ${seconds.toFixed(1)} s ` +
    `= ${fmt(smtp.count() / seconds)} emails/s; scheduler tick (ledger rows + jobs) ${(tickMs / 1000).toFixed(1)} s`);
  console.log(`  aggregation: ${fmt(aggregated)} digests in ${fmt(timings.length)} set-based statements, ${(sum / 1000).toFixed(1)} s in total ` +
    `(summed over concurrent workers), ${(sum / Math.max(1, aggregated)).toFixed(2)} ms per digest; per statement median ${pct(0.5)} ms, ` +
    `p99 ${pct(0.99)} ms, max ${timings[timings.length - 1]?.toFixed(0)} ms (the batch with the 2,000-site customer); ` +
    `average email ${fmt(smtp.bytes() / Math.max(1, smtp.count()))} bytes`);
  const perEmail = (s: number) => `${((s * 1000) / Math.max(1, smtp.count())).toFixed(1)} ms`;
  console.log(`  CPU: service ${cpu.node.toFixed(1)} s (${perEmail(cpu.node)} per email, ${Math.round((100 * selfCpu.system) / 1e6 / Math.max(cpu.node, 1e-9))}% in the kernel), PostgreSQL backends ${cpu.pg.toFixed(1)} s ` +
    `(${perEmail(cpu.pg)}), SMTP server ${cpu.smtp.toFixed(1)} s (${perEmail(cpu.smtp)}); ${os.cpus().length} cores; ` +
    `${((statsAfter.commits - statsBefore.commits) / Math.max(1, smtp.count())).toFixed(1)} transactions per email`);
  console.log(`  peak RSS ${peakRssMb} MB (${atPeak}); target: under 60 s ${seconds < 60 ? 'met' : 'NOT met'} (for ${fmt(customers)}), RSS under 400 MB ${peakRssMb < 400 ? 'met' : 'NOT met'}`);
  rss.push(peakRssMb);
}

const rss: number[] = [];

async function logStatements(url: string): Promise<void> {
  const { Client } = await import('pg');
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query(`ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET log_min_duration_statement = 0`);
  await c.end();
}

async function main(): Promise<void> {
  const db = reuse ? reusedDatabase(reuse) : await freshDatabase('hostdigest_bench_digests');
  const smtp = await startSmtp();
  if (process.env.BENCH_LOG_STATEMENTS) await logStatements(db.url); // every statement's duration to the server log
  let app: NestFastifyApplication | null = null;
  try {
    app = await createApp(loadConfig({
      DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'warn', HOSTDIGEST_ROLES: 'worker', HOSTDIGEST_SIMULATOR: 'off',
      DATA_DIR: '/tmp/hostdigest-bench', HOSTDIGEST_ADMIN_KEY: 'hd_benchmrk_' + 'b'.repeat(32), SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      HOSTDIGEST_SECRET_KEY: 'bench-secret-key-material-0123456789',
      // The service's defaults unless given (DB_POOL_SIZE, DIGEST_SEND_CONCURRENCY).
      ...(process.env.DB_POOL_SIZE ? { DB_POOL_SIZE: process.env.DB_POOL_SIZE } : {}),
      ...(process.env.DIGEST_SEND_CONCURRENCY ? { DIGEST_SEND_CONCURRENCY: process.env.DIGEST_SEND_CONCURRENCY } : {}),
    }));
    await app.init();
    const config = app.get(AppConfig);
    console.log(`digest run benchmark: rounds of ${ROUNDS.map(fmt).join(' and ')} customers, ${EVENTS_PER_CUSTOMER} events per customer in the period; ` +
      `${config.digests.sendConcurrency} send workers, database pool ${config.database.poolSize}`);
    for (const n of ROUNDS) {
      console.log(`round: ${fmt(n)} customers`);
      await round(app, smtp, n);
    }
    if (rss.length > 1) {
      console.log(`  RSS ${rss.join(' MB → ')} MB as customers go ${ROUNDS.map(fmt).join(' → ')}: ` +
        `${rss[rss.length - 1] <= rss[0] * 1.25 ? 'flat (met)' : 'grows (NOT met)'}`);
    }
  } finally {
    await app?.close();
    smtp.stop();
    if (process.env.BENCH_KEEP || reuse) console.log(`kept database ${db.url}`);
    else await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
