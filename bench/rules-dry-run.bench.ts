import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config/app-config';
import { Database } from '../src/db/database';
import { DryRunService } from '../src/rules/dry-run.service';
import { fmt, freshDatabase } from './bench-support';

// POST /v1/rules/dry-run over 30 days of BENCH_EVENTS (1,000,000) stored events of 100 customers × 5 sites: an event
// rule with a burst window and a cooldown, a threshold per customer, a site infection transition. Target < 10 s each.
const N = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const FROM = new Date('2026-11-01T00:00:00Z');
const DAYS = 30;

async function main(): Promise<void> {
  const db = await freshDatabase('hostdigest_bench_dryrun');
  let app: NestFastifyApplication | null = null;
  try {
    app = await createApp(loadConfig({
      DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'warn', HOSTDIGEST_ROLES: 'api', HOSTDIGEST_SIMULATOR: 'off', DATA_DIR: '/tmp/hostdigest-bench',
      HOSTDIGEST_ADMIN_KEY: 'hd_benchmrk_' + 'b'.repeat(32),
    }));
    await app.init();
    const database = app.get(Database);
    const [{ id: org }] = await database.dataSource.query(`SELECT id FROM organizations WHERE is_default`);
    const seeded = performance.now();
    await database.dataSource.query(
      `INSERT INTO customers (organization_id, external_ref, name) SELECT $1, 'c' || i, 'Customer ' || i FROM generate_series(1, 100) i`, [org]);
    await database.dataSource.query(
      `INSERT INTO sites (organization_id, customer_id, domains) SELECT $1, c.id, ARRAY['s' || s || '.' || c.external_ref || '.example'] FROM customers c, generate_series(1, 5) s WHERE c.organization_id = $1`, [org]);
    const kinds = `ARRAY['detection','detection','cleanup','quarantine','process_killed','detection','file_deleted','protection_changed']`;
    const severities = `ARRAY['critical','high','medium','low','info']`;
    await database.dataSource.query(
      `INSERT INTO events (organization_id, source, external_id, kind, vendor_type, severity, severity_rank, server, file_path, threat_name, occurred_at, customer_id, site_id, raw)
       SELECT $1, 'push:bench', 'e' || i, (${kinds})[1 + i % 8], 'x', (${severities})[1 + i % 5], 4 - i % 5, 'web' || (i % 20), '/home/u/f' || (i % 3000) || '.php',
              'PHP.Backdoor.' || (i % 7), $2::timestamptz + (i * ($3::float8 / $4)) * interval '1 second', st.cs[1 + i % 500], st.ids[1 + i % 500], '{}'
       FROM generate_series(1, $4) i
       CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids, array_agg(customer_id ORDER BY id) AS cs FROM sites WHERE organization_id = $1) st`,
      [org, FROM, DAYS * 86400, N],
    );
    await database.dataSource.query('ANALYZE events');
    console.log(`rules dry-run benchmark: ${fmt(N)} events over ${DAYS} days seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    const rules: [string, Record<string, unknown>][] = [
      ['event, burst 60 s, cooldown 1 h', { trigger: { type: 'event', filter: { kinds: ['detection'], minSeverity: 'high' } }, groupWindowSeconds: 60, cooldownSeconds: 3600, quietHours: { start: '22:00', end: '07:00', bypassSeverity: 'critical' } }],
      ['threshold 10 cleanups / 30 days / customer', { trigger: { type: 'threshold', filter: { kinds: ['cleanup'] }, count: 10, windowSeconds: 30 * 86400, groupBy: 'customer' } }],
      ['every event (no filter), threshold 100 / h / organization', { trigger: { type: 'threshold', count: 100, windowSeconds: 3600, groupBy: 'organization' } }],
      ['site infection transition', { trigger: { type: 'transition', state: 'infection' } }],
    ];
    const dry = app.get(DryRunService);
    for (const [name, rule] of rules) {
      const started = performance.now();
      const r = await dry.run(org, { rule, from: FROM.toISOString(), to: new Date(FROM.getTime() + DAYS * 86_400_000).toISOString() });
      const s = (performance.now() - started) / 1000;
      console.log(`  ${name}: ${fmt(r.scanned)} matching events replayed in ${s.toFixed(2)} s, ${fmt(r.firings.length)} firings, ${fmt(r.suppressed)} suppressed, ${fmt(r.held)} held  (target < 10 s)`);
    }
  } finally {
    await app?.close();
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
