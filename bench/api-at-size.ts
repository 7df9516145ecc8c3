import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { jsonListSql } from '../src/api/json-page';
import { READ_SQL } from '../src/counters/counters-sql';
import { CustomerCounters } from '../src/counters/customer-counters';
import { encodeCursor } from '../src/api/pagination';
import { validationPipe } from '../src/api/validation';
import { Database } from '../src/db/database';
import { EVENT_LIST, eventListWhere } from '../src/events/event-list-query';
import { EventQuery } from '../src/events/events.dto';
import { fmt } from './bench-support';

// GET /v1/events at size: `n` events in one organization (seeded by one INSERT … generate_series per million), then
// per filter that the README lists the plan's top node and its scan of events (a sequential scan of events fails the
// benchmark) with the page's time through the API, and a big customer's first page against a page deep in its cursor.
export async function atSize(app: NestFastifyApplication, origin: string, key: string, n: number): Promise<void> {
  const db = app.get(Database);
  const [{ id: org }]: { id: string }[] = await db.dataSource.query(`SELECT id FROM organizations WHERE is_default`);
  const pairs: { customer: string; site: string }[] = await db.dataSource.query(
    `SELECT c.id AS customer, s.id AS site FROM customers c JOIN sites s ON s.customer_id = c.id WHERE c.organization_id = $1 ORDER BY c.created_at DESC, c.id`,
    [org],
  );
  const started = performance.now();
  for (let from = 1; from <= n; from += 1_000_000) await seedChunk(db, org, pairs, from, Math.min(n, from + 999_999), n);
  await db.dataSource.query('VACUUM ANALYZE events'); // as autovacuum would after a bulk load (and the visibility map for index-only scans)
  const [{ total }] = await db.dataSource.query(`SELECT count(*)::bigint AS total FROM events WHERE organization_id = $1`, [org]);
  console.log(`    at size: ${fmt(Number(total))} events in one organization, seeded in ${((performance.now() - started) / 1000).toFixed(0)} s`);

  const big = pairs[0];
  const filters: Record<string, string>[] = [
    {}, { customerId: big.customer }, { customerId: pairs[7].customer }, { siteId: pairs[3].site }, { kind: 'agent_status' }, { kind: 'detection,cleanup' },
    { severity: 'critical' }, { minSeverity: 'high' }, { from: new Date(Date.now() - 40 * 86_400_000).toISOString(), to: new Date(Date.now() - 39 * 86_400_000).toISOString() },
    { vendorAccountId: '00000000-0000-4000-8000-000000000001' }, { source: 'push:rare' }, { source: 'push:bench-size' }, { server: 'web7.example' },
    { unmatched: 'true' }, { unmatched: 'false' }, { customerId: big.customer, kind: 'cleanup', minSeverity: 'high' },
  ];
  let seqScans = 0;
  console.log('    filter → plan (top node; scan of events) → page time p50 through the API');
  for (const f of filters) {
    const q = (await validationPipe().transform({ ...f }, { type: 'query', metatype: EventQuery })) as EventQuery; // as the API reads it
    const { sql, params } = jsonListSql(EVENT_LIST, eventListWhere(org, q), q);
    const [{ 'QUERY PLAN': [plan] }] = await db.dataSource.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    const scans = scansOf(plan.Plan).filter((s) => s.relation === 'events');
    if (scans.some((s) => s.type === 'Seq Scan')) seqScans++;
    const ms = await p50(origin, `/v1/events?${new URLSearchParams(f)}`, key, 15);
    const label = Object.entries(f).map(([k, v]) => `${k}=${v.length > 20 ? v.slice(0, 8) + '…' : v}`).join('&') || '(none)';
    console.log(`      ${label.padEnd(48)} ${plan.Plan['Node Type']}; ${scans.map((s) => `${s.type}${s.index ? ` ${s.index}` : ''}`).join(', ')} → ${ms.toFixed(1)} ms`);
  }

  // The big customer's first page and a page 90% deep into its events (keyset: the same index range, just lower).
  const [{ c }] = await db.dataSource.query(`SELECT count(*)::int AS c FROM events WHERE customer_id = $1`, [big.customer]);
  const [{ id: deepId }] = await db.dataSource.query(
    `SELECT id::text FROM events WHERE customer_id = $1 ORDER BY occurred_at DESC, id DESC OFFSET $2 LIMIT 1`, [big.customer, Math.floor(c * 0.9)],
  );
  const first = await p50(origin, `/v1/events?customerId=${big.customer}&limit=50`, key, 40);
  const deep = await p50(origin, `/v1/events?customerId=${big.customer}&limit=50&cursor=${encodeCursor(deepId)}`, key, 40);
  console.log(`    a customer with ${fmt(c)} events, page of 50: first ${first.toFixed(1)} ms, at ${fmt(Math.floor(c * 0.9))} deep ${deep.toFixed(1)} ms (p50 of 40 sequential)`);

  // Portal counters: the seed bypassed ingestion's hook, so the rollup is built the way a rematch or a purge has it
  // rebuilt; then the read, against /v1/stats computing the same figures from the events.
  await db.dataSource.query(`INSERT INTO customer_counters_stale (customer_id) SELECT id FROM customers WHERE organization_id = $1 ON CONFLICT DO NOTHING`, [org]);
  const t0 = performance.now();
  await app.get(CustomerCounters).rebuild(big.customer);
  const rebuildMs = performance.now() - t0;
  const counters = await p50(origin, `/v1/customers/${big.customer}/counters`, key, 40);
  const stats = await p50(origin, `/v1/stats?customerId=${big.customer}`, key, 5);
  // The statement alone, as PostgreSQL times it (the HTTP figure above carries the load generator's share of a busy machine).
  const executions: number[] = [];
  for (let i = 0; i < 9; i++) {
    const [{ 'QUERY PLAN': [p] }] = await db.dataSource.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${READ_SQL}`, [big.customer, org]);
    executions.push(p['Execution Time']);
  }
  const sqlMs = executions.sort((a, b) => a - b)[4];
  console.log(`    counters of that customer: p50 ${counters.toFixed(2)} ms through the API (target < 5 ms), its statement ${sqlMs.toFixed(2)} ms; /v1/stats for the same month ${stats.toFixed(1)} ms; its rollup rebuilt in ${rebuildMs.toFixed(0)} ms`);
  if (seqScans) throw new Error(`${seqScans} filter(s) scan events sequentially`);
}

// Events i in [from, to] of n: time increases with the id over the last 365 days; a tenth unmatched, a tenth of the
// rest on the first (big) customer, the others spread over all customers; kinds, severities, servers and files repeat.
async function seedChunk(db: Database, org: string, pairs: { customer: string; site: string }[], from: number, to: number, n: number): Promise<void> {
  await db.dataSource.query(
    `INSERT INTO events (organization_id, source, external_id, kind, vendor_type, classification, severity, severity_rank, server,
                         account_user, domain, file_path, file_hash, threat_name, occurred_at, received_at, raw, customer_id, site_id, match_rule)
     SELECT $1, CASE WHEN i % 100 = 0 THEN 'push:rare' ELSE 'push:bench-size' END, 'sz-' || i,
            (ARRAY['detection','detection','detection','detection','detection','detection','detection','detection','detection','detection',
                   'cleanup','cleanup','cleanup','cleanup','cleanup','quarantine','process_killed','file_deleted','protection_changed','agent_status'])[i % 20 + 1],
            'file', 'malicious', (ARRAY['critical','high','medium','low','info'])[i % 5 + 1], 4 - i % 5,
            'web' || (i % 50) || '.example', 'u' || (i % 1000), 'd' || (i % 1000) || '.example',
            '/home/u' || (i % 1000) || '/public_html/wp-content/x' || (i % 5000) || '.php', md5(i::text), 'php.webshell.generic',
            t, t + interval '2 minutes', '{}'::jsonb,
            CASE WHEN m = 0 THEN NULL ELSE ($5::uuid[])[c] END, CASE WHEN m = 0 THEN NULL ELSE ($6::uuid[])[c] END, CASE WHEN m = 0 THEN NULL ELSE 'domain' END
     FROM generate_series($2::bigint, $3::bigint) i,
          LATERAL (SELECT now() - make_interval(secs => ($4 - i) * (365 * 86400.0 / $4)) AS t, i % 10 AS m,
                          CASE WHEN i % 10 = 1 THEN 1 ELSE 1 + (i / 10) % ${pairs.length} END AS c) x`,
    [org, from, to, n, pairs.map((p) => p.customer), pairs.map((p) => p.site)],
  );
}

interface Scan { type: string; relation?: string; index?: string }

function scansOf(node: Record<string, unknown>): Scan[] {
  const own = node['Relation Name'] ? [{ type: node['Node Type'] as string, relation: node['Relation Name'] as string, index: node['Index Name'] as string | undefined }] : [];
  return [...own, ...((node.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(scansOf)];
}

// Median latency of sequential GETs (after one warm-up past the switch to a generic plan of the named statement).
async function p50(origin: string, path: string, key: string, times: number): Promise<number> {
  const headers = { authorization: `Bearer ${key}` };
  for (let i = 0; i < 6; i++) await (await fetch(origin + path, { headers })).arrayBuffer();
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    const res = await fetch(origin + path, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)];
}
