import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { createApp } from './app';
import { BootConsole } from './boot/boot-console';
import { ConfigError, loadConfig } from './config/app-config';
import { SimulatorBootstrap } from './vendors/simulator/simulator-bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  const logger = new Logger('Main');
  const roles = [...config.roles];
  let url: string | null = null;
  let loopbackOnly = false;
  if (config.roles.has('api')) {
    await app.listen(config.port, config.host);
    const { address, port } = app.getHttpServer().address() as AddressInfo;
    const any = address === '0.0.0.0' || address === '::';
    url = `http://${any ? 'localhost' : address.includes(':') ? `[${address}]` : address}:${port}`;
    loopbackOnly = address.startsWith('127.') || address === '::1';
  } else {
    await app.init();
  }
  const bootConsole = app.get(BootConsole);
  if (!bootConsole.pretty) logger.log(url ? `hostdigest listening on ${url} (docs at /docs, roles: ${roles.join(',')})` : `hostdigest running without HTTP (roles: ${roles.join(',')})`);
  const simulator = bootConsole.pretty && (await app.get(SimulatorBootstrap).running()); // for the summary only
  bootConsole.started({ url, loopbackOnly, roles, outboxDir: config.smtpUrl ? null : config.outboxDir, simulator });

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
  // A closed terminal: the embedded PostgreSQL runs in its own process group (so that Ctrl+C reaches only us), so it
  // must be stopped by us here too, not left running.
  process.once('SIGHUP', () => void stop('SIGHUP'));
}

main().catch((err) => {
  const message = err instanceof ConfigError ? `configuration error: ${err.message}` : (err?.stack ?? String(err));
  process.stderr.write(`hostdigest failed to start: ${message}\n`);
  process.exit(1);
});
