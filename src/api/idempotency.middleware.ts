import { Injectable, NestMiddleware } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { NextFunction, Request, Response } from 'express';
import { apiKeyPrefix } from '../api-keys/api-key-format';
import { Database } from '../db/database';

const MAX_KEY_LENGTH = 255;

// `Idempotency-Key` on a POST: the first request runs, a retry with the same key and body gets the stored response
// (status and body, with `Idempotent-Replayed: true`); the same key with another body is refused. Responses that
// should be retried for real (5xx, auth and rate-limit refusals) are not stored.
@Injectable()
export class IdempotencyMiddleware implements NestMiddleware {
  constructor(private readonly db: Database) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const key = req.header('idempotency-key');
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
    if (req.method !== 'POST' || !key || !bearer) return next();
    if (key.length > MAX_KEY_LENGTH) {
      res.status(400).json({ code: 'validation_failed', message: `Idempotency-Key is longer than ${MAX_KEY_LENGTH} characters`, field: 'Idempotency-Key' });
      return;
    }
    const scope = apiKeyPrefix(bearer);
    const hash = createHash('sha256').update(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
    const q = (sql: string, params: unknown[]) => this.db.dataSource.query(sql, params);
    const inserted = await q(
      `INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING key`,
      [scope, key, hash],
    );
    if (inserted.length === 0) {
      const [prior] = await q(`SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2`, [scope, key]);
      if (!prior) return next(); // expired between the two statements: run it
      if (prior.request_hash !== hash) {
        res.status(422).json({ code: 'idempotency_key_reused', message: 'this Idempotency-Key was used with a different request', field: 'Idempotency-Key' });
      } else if (prior.status_code === null) {
        res.status(409).json({ code: 'idempotency_in_progress', message: 'a request with this Idempotency-Key is still running; retry shortly' });
      } else {
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(prior.status_code).json(prior.response_body);
      }
      return;
    }
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      const status = res.statusCode;
      const keep = status < 500 && ![401, 403, 429].includes(status);
      const record = keep
        ? q(`UPDATE idempotency_keys SET status_code = $3, response_body = $4, completed_at = now() WHERE scope = $1 AND key = $2`, [scope, key, status, JSON.stringify(body ?? null)])
        : q(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2`, [scope, key]);
      // Stored before the client sees the answer, so its retry finds the stored response.
      void record.catch(() => undefined).finally(() => send(body));
      return res;
    };
    next();
  }
}
