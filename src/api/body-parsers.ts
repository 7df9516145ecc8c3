import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { DomainError, ValidationError } from '../errors/domain-error';
import { findInvalidText, jsonDepthExceeds, MAX_JSON_DEPTH } from './text-check';

// What a route takes beyond the app-wide JSON bodies, set with @RouteConfig(): `raw` hands the bytes of any
// Content-Type to the handler as a Buffer, `form` parses application/x-www-form-urlencoded, `text` takes text/csv and
// text/plain as a string. `bodyLimit` replaces BODY_LIMIT for the route, and `tooLarge` is the error a body over it
// gets. `ownTextCheck` names top-level body fields whose items the handler checks with findInvalidText itself, so that
// one bad item is that item's rejection rather than a 400 for the request.
export interface BodyConfig {
  body?: 'raw' | 'form' | 'text';
  bodyLimit?: number;
  tooLarge?: { code: string; message: string; field?: string };
  ownTextCheck?: string[];
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
    const text = body.toString('utf8');
    if (jsonDepthExceeds(text)) return done(new DomainError('too_deep', `request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`, 400, 'body'));
    json(req, text, (err, value) => done(err ? new DomainError('invalid_json', `request body is not valid JSON: ${err.message}`, 400, 'body') : null, value));
  });
  fastify.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    const kind = configOf(req).body;
    if (kind === 'raw') return done(null, body);
    // the unsubscribe form route keeps taking a text body (a one-click POST whatever its type); JSON routes answer 415
    if (kind !== 'text' && kind !== 'form') return body.length === 0 && !BODY_METHODS.has(req.method) ? done(null, undefined) : done(unsupported(req));
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

// A stray Content-Type on a DELETE without a body is no reason to refuse it; on these methods a body is the point.
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function unsupported(req: FastifyRequest): DomainError {
  const type = req.headers['content-type'] ?? 'none';
  const wanted = configOf(req).body === 'text' ? 'text/csv' : 'application/json';
  return new DomainError('unsupported_media_type', `Content-Type "${type}" is not accepted here: send ${wanted}`, 415, 'body');
}

// Text PostgreSQL cannot store (NUL, unpaired surrogates) anywhere in the path, query or a parsed body is a 400 naming
// the field, before any handler sees it. CSV text is checked per row by the import; raw bodies are bytes.
export function registerTextCheck(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (req, _reply, done) => {
    const problem = findInvalidText(req.params) ?? findInvalidText(req.query) ?? bodyProblem(req);
    done(problem ? new ValidationError(problem.field, problem.message) : undefined);
  });
}

function bodyProblem(req: FastifyRequest) {
  const body = req.body;
  if (body === null || typeof body !== 'object' || Buffer.isBuffer(body)) return null;
  const own = configOf(req).ownTextCheck;
  if (!own?.length || Array.isArray(body)) return findInvalidText(body);
  const rest = Object.fromEntries(Object.entries(body).filter(([k]) => !own.includes(k)));
  return findInvalidText(rest);
}

// Fastify ends a body over the limit itself (as a 413 before any parser runs); this is the API's answer to it.
export function tooLargeError(req: FastifyRequest | undefined, bodyLimit: string): DomainError {
  const own = req?.routeOptions?.config ? configOf(req).tooLarge : undefined;
  if (own) return new DomainError(own.code, own.message, 413, own.field);
  return new DomainError('payload_too_large', `request body is larger than the limit of ${bodyLimit} (BODY_LIMIT)`, 413);
}
