import { createHash } from 'node:crypto';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { apiKeyPrefix } from '../api-keys/api-key-format';
import { Database } from '../db/database';

const MAX_KEY_LENGTH = 255;
const CLAIM = Symbol('idempotency-claim');
type Claimed = FastifyRequest & { [CLAIM]?: { scope: string; key: string; secret: boolean } };

// A route whose answer carries a secret shown only once (a new API key). Its answer is never stored: a retry with the
// same Idempotency-Key gets 409 `already_issued` with the id of what the first request created, not the secret again.
export const AnswersWithSecret = () => RouteConfig({ answersWithSecret: true });

function alreadyIssued(payload: string): string {
  let id: unknown;
  try {
    id = (JSON.parse(payload) as { id?: unknown }).id;
  } catch {
    /* no id to give */
  }
  return JSON.stringify({
    code: 'already_issued',
    message: 'a request with this Idempotency-Key already created this; its secret was shown only in that answer and is not shown again',
    ...(typeof id === 'string' ? { id } : {}),
  });
}

// `Idempotency-Key` on a POST: the first request runs, a retry with the same key and body gets the stored response
// (status and body, with `Idempotent-Replayed: true`); the same key with another body is refused. Responses that
// should be retried for real (5xx, auth and rate-limit refusals) are not stored. Fastify hooks rather than Nest
// middleware, because middleware runs before the body is parsed and cannot see the response the handler sends.
export function registerIdempotency(fastify: FastifyInstance, db: Database): void {
  const q = (sql: string, params: unknown[]) => db.dataSource.query(sql, params);

  const claim = async (req: Claimed, reply: FastifyReply) => {
    const key = req.headers['idempotency-key'];
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (req.method !== 'POST' || typeof key !== 'string' || !key || !bearer) return;
    if (key.length > MAX_KEY_LENGTH) {
      return reply.status(400).send({ code: 'validation_failed', message: `Idempotency-Key is longer than ${MAX_KEY_LENGTH} characters`, field: 'Idempotency-Key' });
    }
    const scope = apiKeyPrefix(bearer);
    const hash = createHash('sha256').update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
    const inserted = await q(
      `INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING key`,
      [scope, key, hash],
    );
    if (inserted.length > 0) {
      req[CLAIM] = { scope, key, secret: (req.routeOptions.config as { answersWithSecret?: boolean }).answersWithSecret === true };
      return;
    }
    const [prior] = await q(`SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2`, [scope, key]);
    if (!prior) return; // expired between the two statements: run it
    if (prior.request_hash !== hash) {
      return reply.status(422).send({ code: 'idempotency_key_reused', message: 'this Idempotency-Key was used with a different request', field: 'Idempotency-Key' });
    }
    if (prior.status_code === null) {
      return reply.status(409).send({ code: 'idempotency_in_progress', message: 'a request with this Idempotency-Key is still running; retry shortly' });
    }
    return reply.status(prior.status_code).header('Idempotent-Replayed', 'true').send(prior.response_body);
  };

  // Stored before the client sees the answer, so that its retry finds the stored response.
  const record = async (req: Claimed, reply: FastifyReply, payload: unknown) => {
    const claim = req[CLAIM];
    if (!claim) return payload;
    req[CLAIM] = undefined;
    const status = reply.statusCode;
    const json = typeof payload === 'string' && String(reply.getHeader('content-type') ?? '').includes('json');
    const keep = json && status < 500 && ![401, 403, 429].includes(status);
    const [storedStatus, storedBody] = claim.secret && status < 300 ? [409, alreadyIssued(payload as string)] : [status, payload];
    const write = keep
      ? q(`UPDATE idempotency_keys SET status_code = $3, response_body = $4, completed_at = now() WHERE scope = $1 AND key = $2`, [claim.scope, claim.key, storedStatus, storedBody])
      : q(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2`, [claim.scope, claim.key]);
    await write.catch(() => undefined);
    return payload;
  };

  // On POST routes only, as route hooks: every other request does not pass through them at all.
  fastify.addHook('onRoute', (route: RouteOptions) => {
    if (!(Array.isArray(route.method) ? route.method : [route.method]).includes('POST')) return;
    route.preHandler = [...asArray(route.preHandler), claim] as RouteOptions['preHandler'];
    route.onSend = [...asArray(route.onSend), record] as RouteOptions['onSend'];
  });
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
