import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config/app-config';

// The service in a process of its own (for tests that kill it with SIGKILL, or read everything it logs): every
// setting from the environment, HTTP on an ephemeral port of 127.0.0.1, announced on stdout as `listening <port>`.
async function main(): Promise<void> {
  const config = loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'hostdigest-process-')),
    HOSTDIGEST_SECRET_KEY: 'test-secret-key-material-0123456789',
    HOSTDIGEST_SIMULATOR: 'off',
    PORT: '0',
    HOST: '127.0.0.1',
    ...(process.env as Record<string, string>),
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as import('node:net').AddressInfo;
  process.stdout.write(`listening ${port}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
