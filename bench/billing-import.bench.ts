import 'reflect-metadata';
import { Agent, request } from 'undici';
import { BillingImportService } from '../src/billing-import/billing-import.service';
import { WHMCS_PAGE } from '../src/billing-import/billing-sources';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config/app-config';
import { Database } from '../src/db/database';
import { DestinationsService } from '../src/destinations/destinations.service';
import { FakeWhmcs } from '../test/fakes/fake-whmcs';
import { fmt, freshDatabase } from './bench-support';

// The WHMCS customer import: clients/s from a fake WHMCS of BENCH_CLIENTS clients (2–3 hosting services and a domain
// each) answering every page in BENCH_PAGE_MS, against fetching the same pages one after another (the billing system
// is the limit: the import should cost little beyond its pages). A fresh database per turn, so every turn creates.
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 5000);
const PAGE_MS = Number(process.env.BENCH_PAGE_MS ?? 20);
const TURNS = Number(process.env.BENCH_TURNS ?? 2);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const whmcs = await FakeWhmcs.start();
  whmcs.seed(CLIENTS, (i) => (i % 5 < 2 ? 3 : 2));
  whmcs.delayMs = PAGE_MS;
  const pages = (n: number) => Math.ceil(n / WHMCS_PAGE);
  const totalPages = pages(whmcs.clients.length) + pages(whmcs.products.length) + pages(whmcs.domains.length);
  console.log(`billing import benchmark: WHMCS with ${fmt(whmcs.clients.length)} clients, ${fmt(whmcs.products.length)} services, ${fmt(whmcs.domains.length)} domains; ` +
    `${totalPages} pages of ${WHMCS_PAGE}, each answered in ${PAGE_MS} ms`);
  const agent = new Agent({ keepAliveTimeout: 60_000 });
  const imports: number[] = [];
  const bare: number[] = [];
  try {
    for (let turn = 1; turn <= TURNS; turn++) {
      const db = await freshDatabase('hostdigest_bench_billing');
      const app = await createApp(loadConfig({
        DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'warn', HOSTDIGEST_ROLES: 'worker', HOSTDIGEST_SIMULATOR: 'off', DATA_DIR: '/tmp/hostdigest-bench',
        ...(process.env.BILLING_IMPORT_CLIENTS_PER_WRITE ? { BILLING_IMPORT_CLIENTS_PER_WRITE: process.env.BILLING_IMPORT_CLIENTS_PER_WRITE } : {}),
        HOSTDIGEST_ADMIN_KEY: 'hd_benchmrk_' + 'b'.repeat(32), HOSTDIGEST_SECRET_KEY: 'bench-secret-key-material-0123456789', OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
      }));
      try {
        await app.init();
        const database = app.get(Database);
        const [{ id: org }] = await database.dataSource.query(`SELECT id FROM organizations WHERE is_default`);
        const caller = { organizationId: org, keyId: 'bench', scopes: ['admin'] } as never;
        const dest = await app.get(DestinationsService).create(caller, { kind: 'whmcs', name: 'bench', config: { url: whmcs.url, identifier: 'whmcs-id', secret: 'whmcs-secret' } } as never);
        const t0 = performance.now();
        const run = await app.get(BillingImportService).start(caller, 'whmcs', dest.destination.id);
        let status = run.status as string;
        let report: Record<string, unknown> | null = null;
        let fetched = 0;
        while (status !== 'done' && status !== 'failed') {
          await sleep(20);
          const r = await app.get(BillingImportService).get(org, run.id);
          if (r.status === 'writing' && !fetched) fetched = performance.now() - t0;
          status = r.status;
          report = r.report;
        }
        const seconds = (performance.now() - t0) / 1000;
        if (status !== 'done') throw new Error(`the import ${status}`);
        imports.push(whmcs.clients.length / seconds);
        console.log(`  turn ${turn} import: ${fmt(whmcs.clients.length)} clients in ${seconds.toFixed(2)} s = ${fmt(whmcs.clients.length / seconds)} clients/s ` +
          `(created ${report?.created}, sites ${report?.sitesCreated}; pages read in ${(fetched / 1000).toFixed(2)} s, written in ${(seconds - fetched / 1000).toFixed(2)} s)`);
      } finally {
        await app.close();
        await db.drop();
      }

      // the same pages, one after another, parsed, nothing written
      const t1 = performance.now();
      for (const [action, n] of [['GetClients', whmcs.clients.length], ['GetClientsProducts', whmcs.products.length], ['GetClientsDomains', whmcs.domains.length]] as const) {
        for (let start = 0; start < n; start += WHMCS_PAGE) {
          const body = new URLSearchParams({ action, identifier: 'whmcs-id', secret: 'whmcs-secret', responsetype: 'json', limitstart: String(start), limitnum: String(WHMCS_PAGE) }).toString();
          const res = await request(`${whmcs.url}/includes/api.php`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, dispatcher: agent });
          JSON.parse(await res.body.text());
        }
      }
      const bareSeconds = (performance.now() - t1) / 1000;
      bare.push(whmcs.clients.length / bareSeconds);
      console.log(`  turn ${turn} sequential page fetches: ${totalPages} pages in ${bareSeconds.toFixed(2)} s = ${fmt(whmcs.clients.length / bareSeconds)} clients/s`);
    }
    const best = Math.max(...imports);
    const bestBare = Math.max(...bare);
    console.log(`  import ${fmt(best)} clients/s (best turn) vs sequential fetches ${fmt(bestBare)} clients/s: ratio ${(best / bestBare).toFixed(2)}; target ≥ 0.8 ${best / bestBare >= 0.8 ? 'met' : 'NOT met'}`);
  } finally {
    await agent.close();
    await whmcs.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
