import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Client, Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { join } from 'node:path';
import { EmbeddedPostgres } from './embedded-postgres';
import { ADVISORY_LOCKS } from './advisory-locks';
import { SnakeNamingStrategy } from './snake-naming.strategy';


// The service's one PostgreSQL: the configured server, or an embedded one under DATA_DIR.
export class Database {
  private static readonly logger = new Logger('Database');
  private readonly statementNames = new Map<string, string>();

  private constructor(
    readonly dataSource: DataSource,
    readonly url: string,
    private readonly embedded: EmbeddedPostgres | null,
  ) {}

  static async open(config: AppConfig, opts: { runMigrations?: boolean } = {}): Promise<Database> {
    let embedded: EmbeddedPostgres | null = null;
    let url = config.database.url;
    if (!url) {
      embedded = new EmbeddedPostgres({
        dir: config.database.embeddedDir,
        port: config.database.embeddedPort,
        database: 'hostdigest',
        log: (line) => Database.logger.debug(line),
        warn: (line) => Database.logger.warn(line),
      });
      url = await embedded.start();
      Database.logger.log(`embedded PostgreSQL running on 127.0.0.1:${config.database.embeddedPort}, data in ${config.database.embeddedDir}`);
    }
    const dataSource = new DataSource({
      type: 'postgres',
      url,
      // Globs work both from src/ (tests, .ts) and dist/src/ (built, .js).
      entities: [join(__dirname, '..', '**', '*.entity.{ts,js}')],
      migrations: [join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
      migrationsTableName: 'migrations',
      namingStrategy: new SnakeNamingStrategy(),
      synchronize: false,
      uuidExtension: 'pgcrypto',
      extra: { max: config.database.poolSize, application_name: 'hostdigest' },
    });
    try {
      await dataSource.initialize();
      if (opts.runMigrations ?? config.database.runMigrations) await Database.migrate(dataSource, url);
    } catch (err) {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
      throw err;
    }
    return new Database(dataSource, url, embedded);
  }

  static async migrate(dataSource: DataSource, url: string): Promise<string[]> {
    const lock = new Client({ connectionString: url });
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS.migrations]);
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      for (const m of ran) Database.logger.debug(`migration applied: ${m.name}`);
      if (ran.length) Database.logger.log(`applied ${ran.length} migration${ran.length > 1 ? 's' : ''} (latest: ${ran[ran.length - 1].name})`);
      return ran.map((m) => m.name);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCKS.migrations]).catch(() => undefined);
      await lock.end();
    }
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  // A parameterised statement straight on TypeORM's own pg pool, for hot reads of a few columns: no query builder, no
  // entity hydration, no query runner (together most of the CPU of a single-row read), and for the digest
  // aggregation (whose planning was a third of its cost). Outside any transaction; rows come back as pg maps them.
  // Named after its text, so that each connection parses and plans it once and then only binds and executes it.
  async rows<T>(sql: string, params: unknown[]): Promise<T[]> {
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    let name = this.statementNames.get(sql);
    if (!name) {
      name = `hd_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
      if (this.statementNames.size < 1000) this.statementNames.set(sql, name);
    }
    return (await pool.query({ name, text: sql, values: params })).rows as T[];
  }

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  // Runs work while holding a session-level advisory lock on a dedicated connection: one replica at a time.
  async withAdvisoryLock<T>(lock: number, work: () => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [lock]);
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [lock]).catch(() => undefined);
      await runner.release();
    }
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded?.stop();
  }
}
