import { Injectable, OnModuleInit } from '@nestjs/common';
import { Database } from '../db/database';
import { done, JobHandler, JobResult, skipped } from '../jobs/job';
import { JobEngine } from '../jobs/job-engine';
import { FiringRule, RuleFiringWriter } from './rule-firing-writer';
import { FLUSH_FIRING, FlushFiringPayload } from './rule-jobs';

// The end of a firing's group window: the burst collected so far goes out as one delivery per destination (or is held
// for quiet hours); at the end of quiet hours, every firing of the rule held until then goes out as one. The group's
// memory row is locked first, as the evaluator locks it, so a burst still arriving either joins before or opens anew after.
@Injectable()
export class FlushFiringJob implements JobHandler<FlushFiringPayload>, OnModuleInit {
  constructor(
    private readonly jobs: JobEngine,
    private readonly db: Database,
    private readonly writer: RuleFiringWriter,
  ) {}

  onModuleInit(): void {
    this.jobs.register(FLUSH_FIRING, this);
  }

  async handle({ firingId }: FlushFiringPayload): Promise<JobResult> {
    return this.db.transaction(async (em) => {
      const [f]: { ruleId: string; groupKey: string }[] = await em.query(`SELECT rule_id AS "ruleId", group_key AS "groupKey" FROM rule_firings WHERE id = $1`, [firingId]);
      if (!f) return skipped('the firing is gone (its rule was deleted)');
      await em.query(`SELECT 1 FROM rule_groups WHERE rule_id = $1 AND group_key = $2 FOR UPDATE`, [f.ruleId, f.groupKey]);
      const [row]: (FiringRule & { status: string; customerId: string | null; rank: number; sendAt: Date })[] = await em.query(
        `SELECT f.status, f.customer_id AS "customerId", f.max_severity_rank AS rank, f.send_at AS "sendAt",
                r.id, r.organization_id AS "organizationId", r.trigger_type AS "triggerType", r.dedupe_key AS "dedupeKey", r.quiet_hours AS "quietHours",
                r.cooldown_seconds AS "cooldownSeconds"
         FROM rule_firings f JOIN rules r ON r.id = f.rule_id WHERE f.id = $1 FOR UPDATE OF f`,
        [firingId],
      );
      if (row.status === 'sent') return skipped('sent already');
      if (row.status === 'collecting') {
        // The window is over: the group closes, and the cooldown runs from its end.
        await em.query(
          `UPDATE rule_groups SET open_firing_id = NULL, open_until = NULL,
                  cooldown_until = CASE WHEN $4 > 0 THEN open_until + make_interval(secs => $4) ELSE cooldown_until END
           WHERE rule_id = $1 AND group_key = $2 AND open_firing_id = $3`,
          [f.ruleId, f.groupKey, firingId, row.cooldownSeconds],
        );
        await this.writer.release(em, row, firingId, row.customerId, row.rank);
        return done({ firingId });
      }
      const held: { id: string }[] = await em.query(
        `SELECT id FROM rule_firings WHERE rule_id = $1 AND status = 'held' AND send_at <= $2 ORDER BY first_at, id FOR UPDATE SKIP LOCKED`,
        [f.ruleId, row.sendAt],
      );
      const ids = [firingId, ...held.map((h) => h.id).filter((id) => id !== firingId)];
      const deliveries = await this.writer.send(em, row, ids, `quiet:${new Date(row.sendAt).toISOString()}`);
      return done({ firings: ids.length, deliveries });
    });
  }
}
