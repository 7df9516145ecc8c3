import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Database } from '../db/database';
import type { AttemptOutcome, AttemptTrigger } from './delivery-attempt.entity';
import type { DeliveryStatus } from './delivery.entity';

export interface DeliveryRow {
  id: string;
  organizationId: string;
  customerId: string | null;
  destination: string;
  destinationId: string | null;
  causeType: string;
  causeId: string;
  payload: Record<string, unknown>;
  status: DeliveryStatus;
  attempts: number;
  attemptBase: number;
  nextAttemptAt: Date;
}

export interface ClaimedDelivery extends DeliveryRow {
  attemptId: string;
  trigger: AttemptTrigger;
}

export interface AttemptRecord {
  durationMs: number;
  outcome: AttemptOutcome;
  request: Record<string, unknown> | null;
  response: Record<string, unknown> | null;
  error: string | null;
}

const COLS = `id, organization_id AS "organizationId", customer_id AS "customerId", destination, destination_id AS "destinationId", cause_type AS "causeType",
              cause_id AS "causeId", payload, status, attempts, attempt_base AS "attemptBase", next_attempt_at AS "nextAttemptAt"`;

export const INTERRUPTED = 'the send was cut off (the worker stopped) after the claim; the target may or may not have taken it: check, and replay if needed';
const RESENDING = 'the send was cut off (the worker stopped) after the claim; sending it once more, as the same message (DELIVERY_INTERRUPTED_POLICY=resend)';

// The deliveries table as the send path needs it: every state change is one conditional UPDATE, so that two workers
// (or a worker and the sweep) can never both move a row forward.
@Injectable()
export class DeliveryLedger {
  constructor(private readonly db: Database) {}

  async get(id: string): Promise<DeliveryRow | null> {
    const rows: DeliveryRow[] = await this.db.dataSource.query(`SELECT ${COLS} FROM deliveries WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async getMany(ids: string[]): Promise<DeliveryRow[]> {
    return this.db.dataSource.query(`SELECT ${COLS} FROM deliveries WHERE id = ANY($1::uuid[])`, [ids]);
  }

  // pending/failed and due → sending, with a lease, and the attempt's log row, in one statement (its own transaction,
  // committed before the target is spoken to). null: not due, or another worker has it, or it is done. "Due" is by
  // the database's clock, as the job engine's start times are.
  async claim(id: string, owner: string, leaseSeconds: number): Promise<ClaimedDelivery | null> {
    return (await this.claimMany([id], owner, leaseSeconds))[0] ?? null;
  }

  // claim() for many rows in one statement: those of `ids` that could be claimed (the others are not due, or another
  // worker has them, or they are done).
  async claimMany(ids: string[], owner: string, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    if (!ids.length) return [];
    return this.db.dataSource.query(
      `WITH c AS (
         UPDATE deliveries SET status = 'sending', attempts = attempts + 1, lease_owner = $2,
                lease_until = now() + make_interval(secs => $3), updated_at = now()
         WHERE id = ANY($1::uuid[]) AND status IN ('pending', 'failed') AND next_attempt_at <= now()
         RETURNING *
       ), a AS (
         INSERT INTO delivery_attempts (delivery_id, organization_id, attempt, trigger, requested_by)
         SELECT id, organization_id, attempts,
                CASE WHEN attempts = attempt_base + 1 AND replay_requested_by IS NOT NULL THEN 'replay'
                     WHEN attempts = 1 THEN 'initial' ELSE 'retry' END,
                CASE WHEN attempts = attempt_base + 1 THEN replay_requested_by END
         FROM c
         RETURNING id, delivery_id, trigger
       )
       SELECT c.id, c.organization_id AS "organizationId", c.customer_id AS "customerId", c.destination, c.destination_id AS "destinationId", c.cause_type AS "causeType",
              c.cause_id AS "causeId", c.payload, c.status, c.attempts, c.attempt_base AS "attemptBase", c.next_attempt_at AS "nextAttemptAt",
              a.id::text AS "attemptId", a.trigger
       FROM c JOIN a ON a.delivery_id = c.id`,
      [ids, owner, leaseSeconds],
    );
  }

  // The statement right after the target accepted. A sweep that meanwhile took the row for interrupted (lease ran
  // out while the target was slow) is corrected: this is what happened.
  async markDelivered(claimed: ClaimedDelivery, owner: string, attempt: AttemptRecord): Promise<void> {
    await this.markDeliveredMany([{ claimed, attempt }], owner);
  }

  // markDelivered() for many, in one statement (both tables).
  async markDeliveredMany(done: { claimed: ClaimedDelivery; attempt: AttemptRecord }[], owner: string): Promise<void> {
    if (!done.length) return;
    const rows = done.map(({ claimed, attempt: a }) => ({
      delivery: claimed.id, attempt: claimed.attemptId, ms: Math.round(a.durationMs), request: a.request, response: a.response,
    }));
    await this.db.dataSource.query(
      `WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(delivery uuid, attempt bigint, ms int, request jsonb, response jsonb)),
       d AS (
         UPDATE deliveries SET status = 'delivered', delivered_at = now(), last_error = NULL, lease_until = NULL, updated_at = now()
         WHERE id IN (SELECT delivery FROM x) AND lease_owner = $2 AND status IN ('sending', 'dead')
       )
       UPDATE delivery_attempts t SET finished_at = now(), duration_ms = x.ms, outcome = 'delivered', request = x.request, response = x.response, error = NULL
       FROM x WHERE t.id = x.attempt`,
      [JSON.stringify(rows), owner],
    );
  }

  // sending → failed (retryAt set: queued again by the caller, in `then`, inside this transaction) or dead.
  async markFailed(claimed: ClaimedDelivery, owner: string, attempt: AttemptRecord, retryAt: Date | null, then?: (em: EntityManager) => Promise<unknown>): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const [, changed]: [unknown, number] = await em.query(
        `UPDATE deliveries SET status = $3, next_attempt_at = coalesce($4, next_attempt_at), last_error = $5, lease_until = NULL, updated_at = now()
         WHERE id = $1 AND lease_owner = $2 AND status = 'sending'`,
        [claimed.id, owner, retryAt ? 'failed' : 'dead', retryAt, (attempt.error ?? 'failed').slice(0, 1000)],
      );
      await this.finishAttempt(em, claimed.attemptId, attempt);
      if (changed && then) await then(em);
      return changed > 0;
    });
  }

  private async finishAttempt(em: EntityManager, attemptId: string, a: AttemptRecord): Promise<void> {
    await em.query(
      `UPDATE delivery_attempts SET finished_at = now(), duration_ms = $2, outcome = $3, request = $4, response = $5, error = $6 WHERE id = $1`,
      [attemptId, Math.round(a.durationMs), a.outcome, a.request && JSON.stringify(a.request), a.response && JSON.stringify(a.response), a.error?.slice(0, 1000) ?? null],
    );
  }

  // Sends whose worker vanished mid-way (crash, kill -9) and whose lease ran out: the target may have taken them.
  // The attempt is logged `interrupted`. maxResends (DELIVERY_INTERRUPTED_POLICY: resend = 1, hold = 0): a row of
  // one of `resendKinds` (Destination.resendsInterrupted: e-mail) with fewer interrupted attempts than that in its
  // round becomes `failed`, due now, and `then` queues its send in this
  // transaction (the same round keeps its Message-ID); any other is `dead` and left to the operator. Each row is
  // taken by one conditional UPDATE, so with several replicas sweeping at once every interrupted send is handled once.
  async markInterrupted(maxResends: number, resendKinds: string[], then?: (em: EntityManager, resend: { id: string; attempts: number }[]) => Promise<unknown>): Promise<{ dead: number; resent: number }> {
    return this.db.transaction(async (em) => {
      const rows: { id: string; attempts: number; status: DeliveryStatus }[] = await em.query(
        `WITH d AS (
           UPDATE deliveries r SET
                  status = CASE WHEN p.resend THEN 'failed' ELSE 'dead' END,
                  next_attempt_at = CASE WHEN p.resend THEN now() ELSE r.next_attempt_at END,
                  last_error = CASE WHEN p.resend THEN $3 ELSE $1 END, lease_until = NULL, updated_at = now()
           FROM (SELECT x.id, x.destination = ANY($4::text[]) AND (SELECT count(*) FROM delivery_attempts t
                               WHERE t.delivery_id = x.id AND t.attempt > x.attempt_base AND t.outcome = 'interrupted') < $2 AS resend
                 FROM deliveries x WHERE x.status = 'sending' AND x.lease_until < now()) p
           WHERE r.id = p.id AND r.status = 'sending' AND r.lease_until < now()
           RETURNING r.id, r.attempts, r.status
         ), a AS (
           UPDATE delivery_attempts t SET finished_at = now(), outcome = 'interrupted', error = $1
           FROM d WHERE t.delivery_id = d.id AND t.attempt = d.attempts AND t.outcome IS NULL
         )
         SELECT id, attempts, status FROM d`,
        [INTERRUPTED, maxResends, RESENDING, resendKinds],
      );
      const resend = rows.filter((r) => r.status === 'failed');
      if (resend.length && then) await then(em, resend);
      return { dead: rows.length - resend.length, resent: resend.length };
    });
  }

  // Due rows long past their time (their job was lost): to be queued again; a duplicate job is harmless (claim).
  async overdue(olderThanSeconds: number, limit = 1000): Promise<string[]> {
    const rows: { id: string }[] = await this.db.dataSource.query(
      `SELECT id FROM deliveries WHERE status IN ('pending', 'failed') AND next_attempt_at < now() - make_interval(secs => $1)
       ORDER BY next_attempt_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
    return rows.map((r) => r.id);
  }

  // Explicit replay: delivered, failed or dead → pending now, as a new round (fresh retry budget). Returns false when
  // the row is pending or being sent.
  async replay(em: EntityManager, organizationId: string, id: string, requestedBy: string): Promise<boolean> {
    const [, changed]: [unknown, number] = await em.query(
      `UPDATE deliveries SET status = 'pending', attempt_base = attempts, next_attempt_at = now(), replay_requested_by = $3,
              lease_owner = NULL, lease_until = NULL, updated_at = now()
       WHERE id = $1 AND organization_id = $2 AND status IN ('delivered', 'failed', 'dead')`,
      [id, organizationId, requestedBy],
    );
    return changed > 0;
  }

  // pending/failed → held: its destination is disabled. No attempt is made or logged.
  async hold(id: string): Promise<boolean> {
    const [, changed]: [unknown, number] = await this.db.dataSource.query(
      `UPDATE deliveries SET status = 'held', updated_at = now() WHERE id = $1 AND status IN ('pending', 'failed')`,
      [id],
    );
    return changed > 0;
  }

  // held → pending, due now, for a destination enabled again; `then` queues their sends in this transaction. Ids in
  // the order the rows were written.
  async release(destinationId: string, then: (em: EntityManager, ids: string[]) => Promise<unknown>): Promise<string[]> {
    return this.db.transaction(async (em) => {
      const rows: { id: string }[] = await em.query(
        `WITH r AS (
           UPDATE deliveries SET status = 'pending', next_attempt_at = now(), updated_at = now()
           WHERE destination_id = $1 AND status = 'held' RETURNING id, created_at
         ) SELECT id FROM r ORDER BY created_at, id`,
        [destinationId],
      );
      const ids = rows.map((r) => r.id);
      if (ids.length) await then(em, ids);
      return ids;
    });
  }

  // Deliveries not delivered yet (failed = a retry is scheduled), by destination, with the age of the oldest; and
  // those held for a disabled destination, apart (they wait for the operator, not for the pipeline).
  async unsent(): Promise<{ destination: string; count: number; oldestAgeSeconds: number; held: number }[]> {
    const rows = await this.db.rows<{ destination: string; count: number; age: number | null; held: number }>(
      `SELECT destination, count(*) FILTER (WHERE status <> 'held')::int AS count, count(*) FILTER (WHERE status = 'held')::int AS held,
              EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE status <> 'held'))::float8 AS age FROM deliveries
       WHERE status IN ('pending', 'sending', 'failed', 'held') GROUP BY destination`,
      [],
    );
    return rows.map((r) => ({ destination: r.destination, count: r.count, held: r.held, oldestAgeSeconds: Math.max(0, r.age ?? 0) }));
  }
}
