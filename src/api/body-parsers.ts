import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { DomainError } from '../errors/domain-error';

// What a route takes beyond the app-wide JSON and CSV/text bodies, set with @RouteConfig(): `raw` hands the bytes of
// any Content-Type to the handler as a Buffer, `form` parses application/x-www-form-urlencoded. `bodyLimit` replaces
// BODY_LIMIT for the route, and `tooLarge` is the error a body over it gets.
export interface BodyConfig {
  body?: 'raw' | 'form';
  bodyLimit?: number;
  tooLarge?: { code: string; message: string; field?: string };
}

const configOf = (req: FastifyRequest) => (req.routeOptions.config ?? {}) as BodyConfig;
const TEXT_CHARSETS: Record<string, BufferEncoding> = { 'utf-8': 'utf8', utf8: 'utf8', 'us-ascii': 'latin1', 'iso-8859-1': 'latin1', latin1: 'latin1' };

// Fastify's own parsers with its streaming body limit; each failure is a DomainError, so the error filter answers it.
export function registerBodyParsers(fastify: FastifyInstance): void {
  // A route's bodyLimit is a Fastify route option; Nest only passes `config` through, so it is lifted from there.
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const limit = (route.config as BodyConfig | undefined)?.bodyLimit;
    if (limit) route.bodyLimit = limit;
  });
  fastify.removeAllContentTypeParsers();
  const json = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    if (configOf(req).body === 'raw') return done(null, body);
    if (body.length === 0) return done(null, {}); // as express.json() did
    json(req, body.toString('utf8'), (err, value) => done(err ? new DomainError('invalid_json', `request body is not valid JSON: ${err.message}`, 400, 'body') : null, value));
  });
  fastify.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    if (configOf(req).body === 'raw') return done(null, body);
    const charset = /charset=["']?([\w-]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase() ?? 'utf-8';
    const encoding = TEXT_CHARSETS[charset];
    if (!encoding) return done(new DomainError('unsupported_encoding', `unsupported charset "${charset}": send UTF-8`, 415));
    const text = body.toString(encoding);
    done(null, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text); // a byte order mark is not data (Excel writes one)
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    const kind = configOf(req).body;
    if (kind === 'raw') return done(null, body);
    if (kind !== 'form') return done(unsupported(req));
    done(null, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  });
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    if (configOf(req).body === 'raw') return done(null, body);
    done(unsupported(req));
  });
}

function unsupported(req: FastifyRequest): DomainError {
  const type = req.headers['content-type'] ?? 'none';
  return new DomainError('unsupported_media_type', `Content-Type "${type}" is not accepted here: send application/json`, 415, 'body');
}

// Fastify ends a body over the limit itself (as a 413 before any parser runs); this is the API's answer to it.
export function tooLargeError(req: FastifyRequest | undefined, bodyLimit: string): DomainError {
  const own = req?.routeOptions?.config ? configOf(req).tooLarge : undefined;
  if (own) return new DomainError(own.code, own.message, 413, own.field);
  return new DomainError('payload_too_large', `request body is larger than the limit of ${bodyLimit} (BODY_LIMIT)`, 413);
}
