import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The embedded default as a newcomer runs it (`npm start`, no DATABASE_URL): the built service on its own
// PostgreSQL under DATA_DIR, surviving a kill -9 (orphaned postmaster) and stopping cleanly on SIGTERM.
const MAIN = join(__dirname, '..', 'dist', 'src', 'main.js');
const ADMIN = 'hd_embedded_' + 'e'.repeat(32);

function startService(dataDir: string, port: number, pgPort: number): { proc: ChildProcess; output: () => string } {
  let out = '';
  const proc = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), HOSTDIGEST_ADMIN_KEY: ADMIN, HOSTDIGEST_SIMULATOR: 'off', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  return { proc, output: () => out };
}

async function waitReady(port: number, ms = 45_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`service on ${port} not ready`);
}

const postmasterPid = (dataDir: string) => Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('embedded PostgreSQL default', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hostdigest-embedded-'));
  const port = 40000 + (process.pid % 10000);
  const pgPort = 30000 + (process.pid % 10000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps data across a kill -9 and a restart, then shuts down cleanly', async () => {
    expect(existsSync(MAIN)).toBe(true); // npm test builds first
    const first = startService(dataDir, port, pgPort);
    await waitReady(port);
    const auth = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
    const created = await fetch(`http://127.0.0.1:${port}/v1/api-keys`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'survives', scopes: ['read'] }) }).then((r) => r.json() as Promise<{ id: string; key: string }>);
    const orphan = postmasterPid(dataDir);
    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));
    expect(alive(orphan)).toBe(true); // the postmaster outlives its parent

    const second = startService(dataDir, port, pgPort);
    await waitReady(port);
    expect(second.output()).toContain('stopping orphaned embedded PostgreSQL');
    expect(alive(orphan)).toBe(false);
    const list = await fetch(`http://127.0.0.1:${port}/v1/api-keys?limit=100`, { headers: auth }).then((r) => r.json() as Promise<{ data: { id: string }[] }>);
    expect(list.data.map((k: { id: string }) => k.id)).toContain(created.id);
    const again = await fetch(`http://127.0.0.1:${port}/v1/organization`, { headers: { authorization: `Bearer ${created.key}` } });
    expect(again.status).toBe(200);

    const pid = postmasterPid(dataDir);
    second.proc.kill('SIGTERM');
    const code = await new Promise((r) => second.proc.once('exit', r));
    expect(code).toBe(0);
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  }, 120_000);
});
