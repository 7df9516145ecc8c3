import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config/app-config';
import { DigestScheduler } from '../../src/digests/digest-scheduler';

// A second process of the service (worker + scheduler, no HTTP) that runs one digest tick at once and keeps
// sending: the crash test kills it with SIGKILL in the middle of its run.
async function main(): Promise<void> {
  const config = loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'hostdigest-worker-')),
    LOG_LEVEL: 'silent',
    HOSTDIGEST_SECRET_KEY: 'test-secret-key-material-0123456789',
    HOSTDIGEST_SIMULATOR: 'off',
    HOSTDIGEST_ROLES: 'worker,scheduler',
    ...(process.env as Record<string, string>),
  });
  const app = await createApp(config);
  await app.init();
  const result = await app.get(DigestScheduler).tick();
  process.stdout.write(`tick ${JSON.stringify(result)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
