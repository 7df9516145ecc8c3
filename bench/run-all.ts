import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// `npm run bench`: every bench/*.bench.ts in its own process (memory figures stay per benchmark), one after another.
// BENCH_ONLY=api,ingest runs a subset.
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const files = readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => !only || only.some((o) => f.startsWith(o)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file.replace(/\.js$/, '')} ===`);
  const run = spawnSync(process.execPath, ['--expose-gc', join(__dirname, file)], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
