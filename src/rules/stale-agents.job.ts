import { Injectable, OnModuleInit } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { Database } from '../db/database';
import { done, JobHandler, JobResult } from '../jobs/job';
import { JobEngine } from '../jobs/job-engine';
import { decideTransition, GroupMemory } from './group-decisions';
import type { QuietHours, RuleTrigger } from './rule-definition';
import { RuleFiringWriter } from './rule-firing-writer';
import { STALE_AGENTS } from './rule-jobs';

interface Due {
  ruleId: string;
  groupKey: string;
  state: string | null;
  incident: string | null;
  staleAt: Date; // the moment it went silent for staleHours
  organizationId: string;
  trigger: Extract<RuleTrigger, { type: 'transition' }>;
  dedupeKey: string;
  quietHours: QuietHours | null;
  cooldownSeconds: number;
}

const BATCH = 1000;

// Silence is not an event: every 5 minutes (once across replicas, by the job engine's cron), each server an agent
// rule has heard from and that has been silent for its staleHours turns stale, firing reporting → stale once (the
// group's row is locked and its state saved in the same transaction; a replica running the same sweep skips locked
// rows). Its next event turns it back (the evaluator), naming the incident.
@Injectable()
export class StaleAgentsJob implements JobHandler<Record<string, never>>, OnModuleInit {
  constructor(
    private readonly jobs: JobEngine,
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly writer: RuleFiringWriter,
  ) {}

  onModuleInit(): void {
    this.jobs.register(STALE_AGENTS, this);
    this.jobs.schedule(STALE_AGENTS, '*/5 * * * *', {});
  }

  async handle(): Promise<JobResult> {
    let fired = 0;
    for (;;) {
      const n = await this.db.transaction(async (em) => {
        const due: Due[] = await em.query(
          `SELECT g.rule_id AS "ruleId", g.group_key AS "groupKey", g.state, g.incident,
                  g.last_seen_at + make_interval(hours => (r.trigger ->> 'staleHours')::int) AS "staleAt",
                  r.organization_id AS "organizationId", r.trigger, r.dedupe_key AS "dedupeKey", r.quiet_hours AS "quietHours", r.cooldown_seconds AS "cooldownSeconds"
           FROM rule_groups g JOIN rules r ON r.id = g.rule_id
           WHERE r.enabled AND r.trigger_type = 'transition' AND r.trigger ->> 'state' = 'agent'
             AND g.state IS DISTINCT FROM 'stale' AND g.last_seen_at IS NOT NULL
             AND g.last_seen_at + make_interval(hours => (r.trigger ->> 'staleHours')::int) <= $1
           ORDER BY g.rule_id, g.group_key LIMIT ${BATCH}
           FOR UPDATE OF g SKIP LOCKED`,
          [this.clock.now()],
        );
        for (const d of due) {
          const memory: GroupMemory = { gate: { cooldownUntil: null, suppressed: 0, openUntil: null, openCount: 0 }, armed: true, transition: d.state === null ? null : { state: d.state, incident: d.incident } };
          const at = new Date(d.staleAt).getTime();
          const out = decideTransition(memory, 'stale', at, d.trigger, d.groupKey, [], { cooldownSeconds: d.cooldownSeconds, groupWindowSeconds: 0 });
          await this.writer.apply(em, { id: d.ruleId, organizationId: d.organizationId, triggerType: 'transition', dedupeKey: d.dedupeKey, quietHours: d.quietHours, cooldownSeconds: d.cooldownSeconds }, d.groupKey, null, null, out.effects);
          await em.query(`UPDATE rule_groups SET state = $3, incident = $4, state_changed_at = $5, updated_at = now() WHERE rule_id = $1 AND group_key = $2`,
            [d.ruleId, d.groupKey, out.memory.transition?.state ?? 'stale', out.memory.transition?.incident ?? null, new Date(at)]);
          fired += out.effects.length;
        }
        return due.length;
      });
      if (n < BATCH) break;
    }
    return done({ fired });
  }
}
