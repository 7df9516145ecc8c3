import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

// A first start as a newcomer sees it: the built service (`npm start` runs dist/src/main.js) on a fresh database with
// the simulated vendor, once on a terminal (a pseudo-terminal from util-linux `script`) with no configuration but a
// data folder and ports (embedded PostgreSQL), and once with stdout a pipe, as under Docker or systemd.
const MAIN = join(__dirname, '..', 'dist', 'src', 'main.js');

interface Run {
  proc: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as import('node:net').AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });

// Only what the test sets: a HOST or LOG_FORMAT in the developer's shell must not leak in.
function start(env: Record<string, string>, terminal: boolean): Run {
  const childEnv = { PATH: process.env.PATH!, ...env };
  const proc = terminal
    ? spawn('script', ['-qfec', `exec '${process.execPath}' '${MAIN}'`, '/dev/null'], { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, [MAIN], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, output: () => out.replace(/\r/g, ''), exit };
}

async function waitFor(run: Run, what: string, test: (out: string) => boolean, ms = 60_000): Promise<string> {
  const end = Date.now() + ms;
  let exited = false;
  void run.exit.then(() => (exited = true));
  while (Date.now() < end) {
    const out = run.output();
    if (test(out)) return out;
    if (exited) throw new Error(`the service exited before ${what}:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${what} within ${ms} ms:\n${run.output()}`);
}

// A TCP connection attempt: 'connected' or the error code.
const connect = (host: string, port: number) =>
  new Promise<string>((resolve) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve('connected')));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });

const organization = (port: number, key: string) => fetch(`http://127.0.0.1:${port}/v1/organization`, { headers: { authorization: `Bearer ${key}` } });

describe('first start', () => {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  // A fresh test database with the simulator, as the environment of a start.
  async function fresh(): Promise<{ env: Record<string, string>; port: number }> {
    const databaseUrl = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'hostdigest-first-start-'));
    cleanup.push(() => dropTestDatabase(databaseUrl), () => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const env = { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, PORT: String(port), HOSTDIGEST_SIMULATOR: 'on', HOSTDIGEST_SECRET_KEY: 'first-start-test-secret-0123456789' };
    return { env, port };
  }

  function track(run: Run): Run {
    cleanup.push(async () => {
      if (run.proc.exitCode === null && run.proc.signalCode === null) {
        run.proc.kill('SIGKILL');
        await run.exit;
      }
    });
    return run;
  }

  it('on a terminal: the key and a short summary fit on one screen, it listens on 127.0.0.1 only, Ctrl+C stops it', async () => {
    expect(existsSync(MAIN)).toBe(true); // npm test builds first
    const dataDir = mkdtempSync(join(tmpdir(), 'hostdigest-first-start-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const [port, pgPort] = [await freePort(), await freePort()];
    const run = track(start({ DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort) }, true));
    const out = await waitFor(run, 'start summary', (o) => o.includes('Log lines from here on are JSON'));
    const lines = out.split('\n');

    const keyAt = lines.findIndex((l) => /^\s+hd_[A-Za-z0-9_-]{20,}\s*$/.test(l));
    const stopAt = lines.findIndex((l) => /Stop\s+Ctrl\+C/.test(l));
    expect(keyAt).toBeGreaterThan(-1);
    expect(keyAt).toBeLessThan(stopAt);
    expect(stopAt).toBeLessThan(25); // one screen, without scrolling
    const summary = lines.slice(keyAt + 1).join('\n');
    expect(summary).toContain(`listening on http://127.0.0.1:${port} (this machine only`);
    expect(summary).toContain(`http://127.0.0.1:${port}/admin`);
    expect(summary).toContain(`http://127.0.0.1:${port}/docs`);
    expect(summary).toContain(join(dataDir, 'outbox'));
    expect(summary).toMatch(/Simulator\s+running: a simulated vendor/);
    // Human lines only up to here: no JSON, no route mapping.
    expect(lines.filter((l) => l.trim().startsWith('{'))).toEqual([]);
    expect(out).not.toContain('Mapped {');

    // What the summary promises works: the printed key, the editor, the docs.
    const key = lines[keyAt].trim();
    const org = await organization(port, key);
    expect(org.status).toBe(200);
    expect(((await org.json()) as { name: string }).name).toBe('Default organization');
    expect((await fetch(`http://127.0.0.1:${port}/admin`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/docs`)).status).toBe(200);

    // 127.0.0.1 only: another loopback address of this machine is not served (it would be with HOST=0.0.0.0).
    expect(await connect('127.0.0.1', port)).toBe('connected');
    expect(await connect('127.0.0.2', port)).toBe('ECONNREFUSED');

    // Ctrl+C on the terminal: a clean stop, logged as JSON like everything after the start. The terminal signals the
    // whole foreground group; the embedded PostgreSQL must not stop under the service's feet (errors, a hang).
    run.proc.stdin!.write('\x03');
    expect(await run.exit).toBe(0);
    // (the terminal echoes the ^C in front of the next line)
    const after = run.output().split('\n').slice(lines.length - 1).filter((l) => l.trim() !== '').map((l) => JSON.parse(l.replace(/^\^C/, '')) as { level: number; msg: string });
    expect(after.map((l) => l.msg)).toContain('SIGINT: finishing in-flight requests and jobs');
    expect(after.filter((l) => l.level >= 50)).toEqual([]);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false); // stopped, not orphaned
  }, 120_000);

  it('with stdout a pipe: every line is JSON, in order, each with the time it happened; framework lines at debug', async () => {
    const { env, port } = await fresh();
    const run = track(start({ ...env, LOG_LEVEL: 'debug' }, false));
    const booted = await waitFor(run, 'listening line', (o) => o.includes('hostdigest listening on'));
    // The admin key is in its JSON line and works.
    const keyLine = JSON.parse(booted.split('\n').find((l) => l.includes('"adminKey"'))!) as { msg: string; adminKey: string };
    expect(keyLine.msg).toContain('store it now');
    expect((await organization(port, keyLine.adminKey)).status).toBe(200);
    run.proc.kill('SIGTERM');
    expect(await run.exit).toBe(0);

    const raw = run.output().split('\n').filter((l) => l.trim() !== '');
    const notJson = raw.filter((l) => {
      try {
        return typeof JSON.parse(l) !== 'object';
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    const lines = raw.map((l) => ({ msg: '', ...(JSON.parse(l) as { level: number; time: number; context?: string; msg?: string; adminKey?: string }) }));

    const times = lines.map((l) => l.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const at = (test: (l: (typeof lines)[number]) => boolean) => lines.findIndex(test);
    const nestStart = at((l) => l.msg === 'Starting Nest application...');
    const key = at((l) => typeof l.adminKey === 'string');
    const fastifyListen = at((l) => l.msg === `Server listening at http://127.0.0.1:${port}`);
    const listening = at((l) => l.msg.startsWith(`hostdigest listening on http://127.0.0.1:${port}`));
    expect([nestStart, key, fastifyListen, listening].every((i) => i >= 0)).toBe(true);
    expect(nestStart).toBeLessThan(key);
    expect(key).toBeLessThan(fastifyListen);
    expect(fastifyListen).toBeLessThan(listening);
    // The start takes a while (database, migrations check, job engine, demo data); its lines show it rather than one
    // moment at the end (buffered, they were all within 5 ms).
    expect(lines[listening].time - lines[nestStart].time).toBeGreaterThan(200);

    const routes = lines.filter((l) => l.msg.startsWith('Mapped {'));
    expect(routes.length).toBeGreaterThan(20);
    expect(new Set(routes.map((l) => l.level))).toEqual(new Set([20]));
    const framework = lines.filter((l) => ['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication'].includes(l.context ?? '') || l.msg.startsWith('Server listening at'));
    expect(framework.filter((l) => l.level > 20)).toEqual([]);
  }, 120_000);

  it('LOG_FORMAT=json on a terminal: every line JSON, the admin key included', async () => {
    const { env } = await fresh();
    const run = track(start({ ...env, LOG_FORMAT: 'json', HOSTDIGEST_SIMULATOR: 'off' }, true));
    await waitFor(run, 'listening line', (o) => o.includes('hostdigest listening on'));
    run.proc.stdin!.write('\x03');
    expect(await run.exit).toBe(0);
    const lines = run.output().split('\n').filter((l) => l.trim() !== '');
    // script echoes the ^C typed on the terminal in front of the next line
    const parsed = lines.map((l) => l.replace(/^\^C/, '')).map((l) => {
      try {
        return JSON.parse(l) as { msg: string; adminKey?: string };
      } catch {
        return l;
      }
    });
    expect(parsed.filter((p) => typeof p === 'string')).toEqual([]);
    expect(parsed.some((p) => typeof p === 'object' && typeof p.adminKey === 'string')).toBe(true);
    expect(run.output()).not.toContain('Ctrl+C');
  }, 120_000);
});
