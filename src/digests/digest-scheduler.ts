import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Database } from '../db/database';
import { JobEngine } from '../jobs/job-engine';
import { Clock } from './clock';
import { Cadence, DigestCadence, isLate, latestDue, nextDue, Schedule } from './digest-period';
import { DigestJobs } from './digest-jobs';
import { DigestLedger, NewDigest } from './digest-ledger';
import { automaticResends } from '../deliveries/unknown-policy';

interface DueRow {
  customerId: string;
  organizationId: string;
  cadence: Cadence;
  sendTime: string;
  dayOfWeek: number;
  timeZone: string;
  activeSince: Date;
  customerStatus: string;
}

export interface TickResult {
  due: number;
  queued: number;
  existing: number;
  interrupted: number; // sends found cut off mid-SMTP (lease ran out)
  resent: number; // of those, queued to be sent once more under the same Message-ID (DIGEST_UNKNOWN_POLICY=resend)
  recovered: number;
  late: number;
  rescheduled: number; // subscriptions whose customer changed time zone: next send computed in the new zone
}

const BATCH = 500;

// Finds customers whose local send time has come and queues one send per customer and period. After downtime the
// missed send goes out once (the latest period only, marked late); older missed periods are not sent (no flood).
// Safe with any number of replicas: due subscriptions are taken FOR UPDATE SKIP LOCKED, and the ledger's unique key
// makes a second row for the same period impossible; the ledger row and its job commit together.
@Injectable()
export class DigestScheduler {
  private readonly logger = new Logger('Digests');
  constructor(
    private readonly db: Database,
    private readonly jobs: JobEngine,
    private readonly types: DigestJobs,
    private readonly ledger: DigestLedger,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async tick(scope: { organizationId?: string; customerId?: string } = {}): Promise<TickResult> {
    const now = this.clock.now();
    const result: TickResult = { due: 0, queued: 0, existing: 0, interrupted: 0, resent: 0, recovered: 0, late: 0, rescheduled: 0 };
    Object.assign(result, await this.interrupted());
    result.recovered = await this.recover();
    result.rescheduled = await this.reschedule(now, scope);
    for (;;) {
      const batch = await this.db.transaction(async (em) => {
        const rows: DueRow[] = await em.query(
          `SELECT s.customer_id AS "customerId", s.organization_id AS "organizationId", s.cadence, s.send_time AS "sendTime",
                  s.day_of_week AS "dayOfWeek", coalesce(s.time_zone, c.time_zone) AS "timeZone", s.active_since AS "activeSince",
                  c.status AS "customerStatus"
           FROM digest_subscriptions s JOIN customers c ON c.id = s.customer_id
           WHERE s.cadence <> 'off' AND s.next_due_at <= $1 AND NOT s.schedule_stale
             AND ($2::uuid IS NULL OR s.organization_id = $2) AND ($3::uuid IS NULL OR s.customer_id = $3)
           ORDER BY s.next_due_at LIMIT ${BATCH}
           FOR UPDATE OF s SKIP LOCKED`,
          [now, scope.organizationId ?? null, scope.customerId ?? null],
        );
        const fresh: NewDigest[] = [];
        const next: Date[] = [];
        for (const r of rows) {
          const schedule: Schedule = { cadence: r.cadence, sendTime: r.sendTime, dayOfWeek: r.dayOfWeek, timeZone: r.timeZone };
          const due = latestDue(schedule, now);
          next.push(nextDue(schedule, now).scheduledAt);
          if (!due || r.customerStatus !== 'active' || due.scheduledAt.getTime() < new Date(r.activeSince).getTime()) continue;
          const late = isLate(due, now);
          fresh.push({
            organizationId: r.organizationId, customerId: r.customerId, cadence: r.cadence, periodStart: due.period.start,
            periodEnd: due.period.end, scheduledAt: due.scheduledAt, late,
          });
        }
        const inserted = await this.ledger.insert(em, fresh);
        await this.jobs.sendMany(this.types.send, inserted.map(({ id }) => ({ payload: { digestId: id }, dedupeKey: id })), { tx: em });
        if (rows.length) {
          await em.query(
            `UPDATE digest_subscriptions s SET next_due_at = v.next FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, next) WHERE s.customer_id = v.id`,
            [rows.map((r) => r.customerId), next],
          );
        }
        const lateIds = new Set(fresh.filter((f) => f.late).map((f) => f.customerId));
        return { due: rows.length, queued: inserted.length, existing: fresh.length - inserted.length, late: inserted.filter((i) => lateIds.has(i.customerId)).length };
      });
      result.due += batch.due;
      result.queued += batch.queued;
      result.existing += batch.existing;
      result.late += batch.late;
      if (batch.due < BATCH) break;
    }
    return result;
  }

  // Subscriptions marked stale by the customers_time_zone_changed trigger (the customer's zone changed, and the
  // subscription follows it): the next send is computed in the new zone, from now on, as when the schedule is edited
  // (active_since = now, so that no period of the new zone that began before the change is sent as "late").
  private async reschedule(now: Date, scope: { organizationId?: string; customerId?: string }): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.db.transaction(async (em) => {
        const rows: (Omit<Schedule, 'cadence'> & { customerId: string; cadence: DigestCadence })[] = await em.query(
          `SELECT s.customer_id AS "customerId", s.cadence, s.send_time AS "sendTime", s.day_of_week AS "dayOfWeek",
                  coalesce(s.time_zone, c.time_zone) AS "timeZone"
           FROM digest_subscriptions s JOIN customers c ON c.id = s.customer_id
           WHERE s.schedule_stale AND ($1::uuid IS NULL OR s.organization_id = $1) AND ($2::uuid IS NULL OR s.customer_id = $2)
           LIMIT ${BATCH} FOR UPDATE OF s SKIP LOCKED`,
          [scope.organizationId ?? null, scope.customerId ?? null],
        );
        if (!rows.length) return 0;
        await em.query(
          `UPDATE digest_subscriptions s SET next_due_at = v.next, active_since = $3,
                  schedule_stale = false, updated_at = now()
           FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, next) WHERE s.customer_id = v.id`,
          [rows.map((r) => r.customerId), rows.map((r) => (r.cadence === 'off' ? null : nextDue({ ...r, cadence: r.cadence }, now).scheduledAt)), now],
        );
        return rows.length;
      });
      total += n;
      if (n < BATCH) return total;
    }
  }

  // Sends cut off mid-SMTP whose lease ran out: `unknown`, or (DIGEST_UNKNOWN_POLICY=resend, first time) back to
  // `rendered` with a send job queued in the same transaction. Were the job lost anyway, recover() finds the row.
  private async interrupted(): Promise<{ interrupted: number; resent: number }> {
    return this.db.transaction(async (em) => {
      const rows = await this.ledger.markInterrupted(automaticResends(this.config.digests.unknownPolicy), undefined, em);
      const resend = rows.filter((r) => r.status === 'rendered');
      await this.jobs.sendMany(this.types.send, resend.map(({ id }) => ({ payload: { digestId: id }, dedupeKey: `${id}:resend` })), { tx: em });
      if (rows.length) {
        this.logger.warn(`${rows.length} digest send(s) cut off mid-SMTP: ${resend.length} sent once more under the same Message-ID, ${rows.length - resend.length} left unknown`);
      }
      return { interrupted: rows.length, resent: resend.length };
    });
  }

  // Rows left pending/rendered long after their last change lost their job with a crashed worker: queue them again
  // (the send path's conditional updates make a duplicate job harmless).
  private async recover(): Promise<number> {
    const after = this.config.digests.recoverAfterSeconds;
    const ids = await this.ledger.stalled(after);
    const bucket = Math.floor(Date.now() / (after * 1000));
    for (const id of ids) await this.jobs.send(this.types.send, { digestId: id }, { dedupeKey: `${id}:recover:${bucket}` });
    return ids.length;
  }

  // Queue the send of one ledger row now (run, resend).
  async enqueue(id: string): Promise<void> {
    await this.jobs.send(this.types.send, { digestId: id }, { dedupeKey: id });
  }
}
