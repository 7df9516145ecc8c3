import { LogController } from 'fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import pino, { DestinationStream, Logger } from 'pino';
import { isBootChatter } from '../boot/boot-chatter';
import { AppConfig } from '../config/app-config';

// Headers and fields that carry credentials: never written to the log (no request log line has headers; this is for
// anything that logs a request object anyway).
const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'req.headers["idempotency-key"]', 'res.headers["set-cookie"]'];

// The one pino logger of the process: Fastify's (request.log is a child bound to the request id) and, through
// nestjs-pino, Nest's Logger. The framework's start-up lines are demoted to debug (src/boot/boot-chatter.ts).
export function createRootLogger(config: AppConfig, destination: DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACT, censor: '[redacted]' },
      hooks: {
        logMethod(args, method, level) {
          if (level === 30 && isBootChatter(args)) return this.debug(...(args as Parameters<typeof method>));
          return method.apply(this, args);
        },
      },
    },
    destination,
  );
}

// A link token is the only credential of the customer page (/p/) and the preferences page (/u/): not in the log.
export const loggedUrl = (url: string) => url.replace(/^\/(p|u)\/[^/?#]+/, '/$1/[redacted]');

const quiet = (url: string) => url.startsWith('/health') || url === '/metrics';

// One JSON line per request, when it has been answered, with the few fields an operator reads; built only when the
// level lets it through. Fastify's default would be two lines (received, completed).
export class RequestLog extends LogController {
  isLogDisabled(req: FastifyRequest): boolean {
    return quiet(req.url);
  }

  incomingRequest(): void {}

  routeNotFound(): void {} // the completed line has the 404

  requestCompleted(err: Error | null, req: FastifyRequest, reply: FastifyReply): void {
    const log = reply.log as unknown as Logger; // ours: createRootLogger()
    const level = err ? 'error' : 'info';
    if (!log.isLevelEnabled(level) || this.isLogDisabled(req)) return;
    const fields = { req: { method: req.method, url: loggedUrl(req.url) }, res: { statusCode: reply.statusCode }, responseTime: Math.round(reply.elapsedTime * 10) / 10 };
    if (err) log.error({ ...fields, err }, 'request errored');
    else log.info(fields, 'request completed');
  }
}
