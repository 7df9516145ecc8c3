import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Database } from '../db/database';
import type { Cadence } from './digest-period';
import { DigestSentHooks, SENT_DIGEST_COLUMNS } from './digest-sent-hooks';
import type { Digest } from './digest.entity';

export interface NewDigest {
  organizationId: string;
  customerId: string;
  cadence: Cadence;
  periodStart: Date;
  periodEnd: Date;
  scheduledAt: Date;
  late: boolean;
  generation?: number;
  resendOf?: string | null;
  requestedBy?: string;
}

export interface ClaimedDigest {
  id: string;
  organizationId: string;
  customerId: string;
  subject: string;
  html: string;
  text: string;
  recipients: string[];
  messageId: string;
  attempts: number;
  brandId: string | null;
}

const UNKNOWN = 'the send was interrupted (the worker stopped) after the claim; SMTP may or may not have accepted it: check and resend if needed';
const RESENDING = 'the send was interrupted (the worker stopped) after the claim; sending it once more under the same Message-ID (DIGEST_UNKNOWN_POLICY=resend)';

// The digests table as the send path needs it: every state change is one conditional UPDATE, so that two workers
// (or a worker and a replay after a crash) can never both move a row forward.
@Injectable()
export class DigestLedger {
  constructor(
    private readonly db: Database,
    private readonly sentHooks: DigestSentHooks,
  ) {}

  // ON CONFLICT DO NOTHING on (customer, cadence, period start, generation): the ids of the rows this call created.
  async insert(em: EntityManager, rows: NewDigest[]): Promise<{ id: string; customerId: string }[]> {
    if (!rows.length) return [];
    return em.query(
      `INSERT INTO digests (organization_id, customer_id, cadence, period_start, period_end, scheduled_at, late, generation, resend_of, requested_by)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::boolean[], $8::int[], $9::uuid[], $10::text[])
       ON CONFLICT ON CONSTRAINT digests_once DO NOTHING
       RETURNING id, customer_id AS "customerId"`,
      [
        rows.map((r) => r.organizationId), rows.map((r) => r.customerId), rows.map((r) => r.cadence), rows.map((r) => r.periodStart),
        rows.map((r) => r.periodEnd), rows.map((r) => r.scheduledAt), rows.map((r) => r.late), rows.map((r) => r.generation ?? 0),
        rows.map((r) => r.resendOf ?? null), rows.map((r) => r.requestedBy ?? 'scheduler'),
      ],
    );
  }

  // Every statement of the send path is a named one (Database.rows): parsed and planned once per connection.
  private update<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.db.rows<T>(sql, params);
  }

  // The send path's read: what it decides on, without the rendered content.
  async get(id: string): Promise<Digest | null> {
    const rows: Digest[] = await this.db.rows(
      `SELECT id, organization_id AS "organizationId", customer_id AS "customerId", cadence, period_start AS "periodStart",
              period_end AS "periodEnd", generation, late, status, failure_kind AS "failureKind"
       FROM digests WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  // In its own statement (and so its own transaction) before SMTP is spoken to: the row is ours until the lease ends.
  // withContent = false when the caller has just rendered it (saves reading 70 KB back). Only rows that are
  // rendered, or failed transiently (a retry), can be claimed; a row locked by a preparer is waited for.
  async claim(id: string, owner: string, leaseSeconds: number, withContent = true): Promise<ClaimedDigest | null> {
    const rows = await this.update<ClaimedDigest>(
      `UPDATE digests SET status = 'sending', lease_owner = $2, lease_until = now() + make_interval(secs => $3), attempts = attempts + 1,
              updated_at = now()
       WHERE id = $1 AND (status = 'rendered' OR (status = 'failed' AND failure_kind = 'transient'))
       RETURNING id, organization_id AS "organizationId", customer_id AS "customerId", subject, ${withContent ? 'html, text,' : ''} recipients,
                 message_id AS "messageId", attempts, (SELECT c.brand_id FROM customers c WHERE c.id = digests.customer_id) AS "brandId"`,
      [id, owner, leaseSeconds],
    );
    return rows[0] ?? null;
  }

  // The statement right after SMTP accepted: the only window in which a crash leaves the outcome unknown. With hooks
  // registered (digest.sent webhooks), they run in the same statement and transaction as the update.
  async markSent(id: string, owner: string, result: { messageId: string; rejected: string[] }): Promise<void> {
    const update = `UPDATE digests SET status = 'sent', sent_at = now(), message_id = $3, rejected = $4, last_error = NULL, failure_kind = NULL,
              lease_owner = NULL, lease_until = NULL, updated_at = now()
       WHERE id = $1 AND status = 'sending' AND lease_owner = $2`;
    const params = [id, owner, result.messageId, result.rejected];
    const hooks = this.sentHooks.all();
    if (!hooks.length) {
      await this.db.rows(update, params);
      return;
    }
    await this.db.transaction(async (em) => {
      const out: { id: string; hook: number }[] = await em.query(
        `WITH sent AS (${update} RETURNING ${SENT_DIGEST_COLUMNS})${hooks.map((h, i) => `, h${i} AS (${h.sql('sent')})`).join('')}
         ${hooks.map((_, i) => `SELECT id::text, ${i} AS hook FROM h${i}`).join(' UNION ALL ')}`,
        params,
      );
      const written: string[][] = hooks.map(() => []);
      for (const r of out) written[r.hook].push(r.id);
      for (const [i, ids] of written.entries()) if (ids.length) await hooks[i].written(em, ids);
    });
  }

  async markFailed(id: string, owner: string, kind: 'permanent' | 'transient', error: string, rejected: string[] = []): Promise<void> {
    await this.db.rows(
      `UPDATE digests SET status = 'failed', failure_kind = $3, last_error = $4, rejected = $5, lease_owner = NULL, lease_until = NULL, updated_at = now()
       WHERE id = $1 AND status = 'sending' AND lease_owner = $2`,
      [id, owner, kind, error.slice(0, 1000), rejected],
    );
  }

  // Rows whose sender vanished mid-send (crash, kill -9) and whose lease ran out: SMTP may have accepted them.
  // maxResends (DIGEST_UNKNOWN_POLICY: resend = 1, hold = 0): a row interrupted fewer times than that goes back to
  // `rendered`, to be sent once more under its stored Message-ID (a receiver that has the first copy can drop the
  // second); any other becomes `unknown` for the operator. One conditional UPDATE per row: with any number of
  // replicas sweeping at once, each interrupted send is taken by one of them, once.
  async markInterrupted(maxResends: number, id?: string, em?: EntityManager): Promise<{ id: string; status: 'rendered' | 'unknown' }[]> {
    // (A CTE, so that TypeORM's em.query returns the rows, as for a SELECT.)
    const sql = `WITH u AS (
         UPDATE digests SET
                status = CASE WHEN interruptions < $1 THEN 'rendered' ELSE 'unknown' END,
                last_error = CASE WHEN interruptions < $1 THEN '${RESENDING}' ELSE '${UNKNOWN}' END,
                interruptions = interruptions + 1, lease_owner = NULL, lease_until = NULL, updated_at = now()
         WHERE status = 'sending' AND lease_until < now() ${id ? 'AND id = $2' : ''} RETURNING id, status
       ) SELECT id, status FROM u`;
    const params = id ? [maxResends, id] : [maxResends];
    return em ? em.query(sql, params) : this.update(sql, params);
  }

  // Rows not finished long after their last change (their job was lost with a crashed worker): to enqueue again.
  async stalled(olderThanSeconds: number, limit = 1000): Promise<string[]> {
    const rows: { id: string }[] = await this.db.rows(
      `SELECT id FROM digests WHERE status IN ('pending', 'rendered') AND updated_at < now() - make_interval(secs => $1) ORDER BY updated_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
    return rows.map((r) => r.id);
  }

  // Digests not sent yet, and how long the oldest has been due (the metrics' view of a wedged transport). A transient
  // failure whose retries are used up (attempts > retryLimit: each try claims the row once) no longer counts.
  async unsent(retryLimit: number): Promise<{ count: number; oldestAgeSeconds: number }> {
    const [row] = await this.db.rows<{ count: number; age: number | null }>(
      `SELECT count(*)::int AS count, EXTRACT(EPOCH FROM now() - min(scheduled_at))::float8 AS age FROM digests
       WHERE status IN ('pending', 'rendered', 'sending') OR (status = 'failed' AND failure_kind = 'transient' AND attempts <= $1)`,
      [retryLimit],
    );
    return { count: row.count, oldestAgeSeconds: Math.max(0, row.age ?? 0) };
  }
}
