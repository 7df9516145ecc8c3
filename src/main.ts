import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config/app-config';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  const logger = new Logger('Main');
  if (config.roles.has('api')) {
    await app.listen(config.port, config.host);
    logger.log(`hostdigest listening on http://localhost:${config.port} (docs at /docs, roles: ${[...config.roles].join(',')})`);
  } else {
    await app.init();
    app.flushLogs(); // bufferLogs holds every line until listen() otherwise, and a worker never listens
    logger.log(`hostdigest running without HTTP (roles: ${[...config.roles].join(',')})`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing in-flight requests and jobs`);
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.jobs.shutdownTimeoutMs + 10_000).unref();
    // Stop accepting connections first and let open requests finish (Fastify closes idle keep-alive connections and
    // answers 503 on busy ones), then drain jobs and close the database.
    if (app.getHttpServer().listening) await app.getHttpAdapter().getInstance().close();
    await app.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  const message = err instanceof ConfigError ? `configuration error: ${err.message}` : (err?.stack ?? String(err));
  process.stderr.write(`hostdigest failed to start: ${message}\n`);
  process.exit(1);
});
