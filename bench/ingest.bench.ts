import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config/app-config';
import { Database } from '../src/db/database';
import { EventStore } from '../src/events/event-store';
import { PollService } from '../src/vendors/poll.service';
import { normalizeMonarxRecord } from '../src/vendors/monarx/monarx-normalize';
import { VendorAccountsService } from '../src/vendors/vendor-accounts.service';
import { NormalizedEvent } from '../src/events/normalized-event';
import { FakeMonarxServer } from '../test/fakes/fake-monarx-server';
import { fmt, freshDatabase, withPeakRss } from './bench-support';
import { CustomersService } from '../src/customers/customers.service';
import { SitesService } from '../src/customers/sites.service';
import { DestinationsService } from '../src/destinations/destinations.service';
import { RulesService } from '../src/rules/rules.service';
import { DigestSettingsService } from '../src/digests/digest-settings.service';

// End to end: N Monarx records served by the fake API in its own process (pages of 100, as the real API pages) through the connector,
// the poll job's service and the event store into PostgreSQL — against the same events bulk-inserted straight
// into the same table in the same run (the limit). Run twice (N/2, N) to see whether memory grows with N.
const N = Number(process.env.BENCH_EVENTS ?? 200_000);
// Enabled rules while the connector ingests (a mix of event, threshold and transition triggers), disabled for the
// straight insert, which stays the raw limit. BENCH_RULES=0: none.
const RULES = Number(process.env.BENCH_RULES ?? 20);
// BENCH_URGENT=1: the bench customers also mark detections urgent in their digest settings (one e-mail per detection).
const URGENT = process.env.BENCH_URGENT === '1';
const START = new Date('2026-06-01T00:00:00Z');

async function main(): Promise<void> {
  const db = await freshDatabase('hostdigest_bench_ingest');
  const fakes: ChildProcess[] = [];
  let app: NestFastifyApplication | null = null;
  try {
    app = await createApp(loadConfig({
      DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'warn', HOSTDIGEST_ROLES: 'api', HOSTDIGEST_SIMULATOR: 'off',
      OUTBOUND_ALLOW_HOSTS: '127.0.0.1', POLL_TIME_BUDGET_MS: String(3_600_000), DATA_DIR: '/tmp/hostdigest-bench',
      HOSTDIGEST_ADMIN_KEY: 'hd_benchmrk_' + 'b'.repeat(32), DB_POOL_SIZE: '4',
    }));
    await app.init();
    const database = app.get(Database);
    const [{ id: orgId }] = await database.dataSource.query(`SELECT id FROM organizations WHERE is_default`);

    const viaConnector = async (n: number) => {
      const fake = spawn(process.execPath, [join(__dirname, 'fake-monarx-process.js'), String(n), '50', START.toISOString(), '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
      fakes.push(fake);
      const [line] = (await once(fake.stdout!, 'data')) as [Buffer];
      const api = JSON.parse(line.toString()) as { url: string; enterpriseId: string; apiId: string; apiKey: string };
      const account = await app!.get(VendorAccountsService).create(orgId, {
        vendor: 'monarx', name: `bench ${n}`, baseUrl: api.url, backfillFrom: '2026-01-01T00:00:00Z',
        settings: { enterpriseId: api.enterpriseId, pageSize: 100 }, credentials: { apiId: api.apiId, apiSecret: api.apiKey },
      });
      global.gc?.();
      const started = performance.now();
      const { result, peakRssMb } = await withPeakRss(() => app!.get(PollService).poll(account.id, { force: true, signal: new AbortController().signal }));
      const seconds = (performance.now() - started) / 1000;
      if (result.status !== 'done') throw new Error(`poll did not finish: ${JSON.stringify(result)}`);
      const [{ count }] = await database.dataSource.query(`SELECT count(*)::int AS count FROM events WHERE vendor_account_id = $1`, [account.id]);
      fake.kill();
      return { seconds, events: count as number, peakRssMb, n };
    };

    // The limit: the same events, already normalized and in memory, inserted straight in large batches.
    const straight = async (n: number) => {
      const events = normalizedRecords(n);
      const store = app!.get(EventStore);
      const src = { organizationId: orgId, source: 'bench:straight', vendorAccountId: null };
      const started = performance.now();
      for (let i = 0; i < events.length; i += 5000) {
        await database.transaction((em) => store.insert(em, { ...src }, events.slice(i, i + 5000)));
      }
      return { seconds: (performance.now() - started) / 1000, events: events.length };
    };

    const ruleIds = RULES > 0 ? await benchRules(app, orgId, RULES) : [];
    const half = await viaConnector(N / 2);
    const full = await viaConnector(N);
    for (const id of ruleIds) await app.get(RulesService).setEnabled(orgId, id, false);
    const limit = await straight(full.n);
    const rate = full.events / full.seconds;
    const limitRate = limit.events / limit.seconds;
    console.log(`ingest benchmark (${fmt(N)} Monarx records, pages of 100, ${ruleIds.length} enabled rules${URGENT ? ', detections urgent' : ''}, PostgreSQL ${db.url.replace(/\/\/.*@/, '//')})`);
    console.log(`  connector → event store: ${fmt(full.events)} events in ${full.seconds.toFixed(2)} s = ${fmt(rate)} events/s, peak RSS ${full.peakRssMb} MB`);
    console.log(`  straight bulk insert:    ${fmt(limit.events)} events in ${limit.seconds.toFixed(2)} s = ${fmt(limitRate)} events/s`);
    console.log(`  ratio connector / straight: ${(rate / limitRate).toFixed(2)}  (target ≥ 0.5; ≥ 10,000 events/s)`);
    if (URGENT) {
      const [{ n }] = await database.dataSource.query(`SELECT count(*)::int AS n FROM deliveries WHERE destination = 'email' AND destination_id IS NULL`);
      console.log(`  urgent e-mail deliveries written: ${fmt(n)}`);
    }
    console.log(`  RSS at ${fmt(half.events)} events: ${half.peakRssMb} MB; at ${fmt(full.events)} events: ${full.peakRssMb} MB (Δ ${full.peakRssMb - half.peakRssMb} MB as the count doubles)`);
  } finally {
    await app?.close();
    for (const f of fakes) f.kill();
    await db.drop();
  }
}

// Customers owning the fake's sites (agent-N, userM), so that rules group by customer and site as in production, and
// `n` rules: event, threshold and transition triggers in turn, with the filters operators use. Their deliveries are
// written (no worker sends them in this run).
async function benchRules(app: NestFastifyApplication, orgId: string, n: number): Promise<string[]> {
  const customers = app.get(CustomersService);
  const sites = app.get(SitesService);
  for (let a = 0; a < 50; a++) {
    const c = await customers.create(orgId, { externalRef: `bench-${a}`, name: `Bench ${a}` } as never);
    for (let u = 0; u < 10; u++) await sites.create(orgId, c.id, { server: `agent-${a}`, accountUser: `user${u}` } as never);
    if (URGENT) await app.get(DigestSettingsService).put(orgId, c.id, { cadence: 'weekly', recipients: [`bench-${a}@bench.test`], urgentKinds: ['detection'] });
  }
  const { destination } = await app.get(DestinationsService).create({ organizationId: orgId, keyId: 'bench', scopes: ['admin'] } as never, { kind: 'webhook', name: 'bench', config: { url: 'http://127.0.0.1:9/bench' } } as never);
  const triggers: Record<string, unknown>[] = [
    { type: 'event', filter: { kinds: ['detection'], minSeverity: 'critical' } },
    { type: 'threshold', filter: { kinds: ['cleanup'] }, count: 10, windowSeconds: 30 * 86400, groupBy: 'customer' },
    { type: 'transition', state: 'infection', rollup: 'site' },
    { type: 'event', filter: { kinds: ['quarantine', 'file_deleted'], threatName: 'php.*' } },
    { type: 'threshold', filter: { kinds: ['detection'] }, count: 20, windowSeconds: 3600, groupBy: 'organization' },
    { type: 'transition', state: 'infection', rollup: 'customer' },
    { type: 'event', filter: { kinds: ['detection'], classifications: ['malicious'] } },
    { type: 'threshold', filter: { kinds: ['detection'], minSeverity: 'high' }, count: 5, windowSeconds: 86400, groupBy: 'site' },
    { type: 'transition', state: 'agent', staleHours: 6 },
    { type: 'event', filter: { minSeverity: 'high' } },
    { type: 'threshold', filter: { kinds: ['quarantine'] }, count: 3, windowSeconds: 3600, groupBy: 'server' },
    { type: 'transition', state: 'protection', rollup: 'site' },
  ];
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await app.get(RulesService).create(orgId, { name: `bench ${i}`, trigger: triggers[i % triggers.length], actions: [{ destinationId: destination.id }], cooldownSeconds: 3600 });
    ids.push(r.id);
  }
  return ids;
}

// The same records the fake process served (its generation is deterministic), read directly and normalized: the
// straight path's input, under other external ids.
function normalizedRecords(n: number): NormalizedEvent[] {
  const fake = new FakeMonarxServer();
  fake.generate({ agents: 50, files: n, start: START, spacingMs: 1000 });
  const out: NormalizedEvent[] = [];
  const agentHosts = new Map<string, string>();
  for (const rec of fake.snapshot('agent-file')) {
    const r = normalizeMonarxRecord('agent-file', rec, { agentHosts });
    if (r.ok) out.push(...r.events.map((e) => ({ ...e, externalId: `straight:${e.externalId}` })));
  }
  return out;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
