import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../clock/clock';
import { Database } from '../db/database';
import { done, JobHandler, JobResult } from '../jobs/job';
import { JobEngine } from '../jobs/job-engine';
import { latestRun, prevCronRun } from './local-time';
import type { QuietHours, RuleScope, RuleTrigger } from './rule-definition';
import { RuleFiringWriter } from './rule-firing-writer';
import { RUN_SCHEDULES } from './rule-jobs';

interface ScheduleRule {
  id: string;
  organizationId: string;
  trigger: Extract<RuleTrigger, { type: 'schedule' }>;
  scope: RuleScope;
  dedupeKey: string;
  quietHours: QuietHours | null;
  cooldownSeconds: number;
  createdAt: Date;
}

interface Target {
  groupKey: string;
  customerId: string | null;
  timeZone: string;
  lastRun: Date | null;
}

// Schedule triggers: every minute (the job engine's cron, once across replicas), each schedule rule and group (each
// customer in scope, or the organization) whose cron came due in its zone since the run it last handled fires once,
// with the period since the run before and the customer's counters of that period. A scheduler that slept fires the
// latest run it missed, once. The handled run is kept per rule and group (rule_groups.last_seen_at) and the firing's
// key is the run, so a second sweep or replica fires nothing.
@Injectable()
export class RunSchedulesJob implements JobHandler<Record<string, never>>, OnModuleInit {
  constructor(
    private readonly jobs: JobEngine,
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly writer: RuleFiringWriter,
  ) {}

  onModuleInit(): void {
    this.jobs.register(RUN_SCHEDULES, this);
    this.jobs.schedule(RUN_SCHEDULES, '* * * * *', {});
  }

  async handle(): Promise<JobResult> {
    const now = this.clock.now();
    const rules: ScheduleRule[] = await this.db.dataSource.query(
      `SELECT id, organization_id AS "organizationId", trigger, scope, dedupe_key AS "dedupeKey", quiet_hours AS "quietHours",
              cooldown_seconds AS "cooldownSeconds", created_at AS "createdAt"
       FROM rules WHERE enabled AND trigger_type = 'schedule'`,
    );
    let fired = 0;
    for (const rule of rules) fired += await this.db.transaction((em) => this.runRule(em, rule, now));
    return done({ rules: rules.length, fired });
  }

  private async runRule(em: EntityManager, rule: ScheduleRule, now: Date): Promise<number> {
    const targets = await this.targets(em, rule);
    const due: { t: Target; run: Date }[] = [];
    for (const t of targets) {
      const run = latestRun(rule.trigger.cron, t.timeZone, t.lastRun ?? new Date(rule.createdAt), now);
      if (run) due.push({ t, run });
    }
    if (!due.length) return 0;
    const keys = due.map((d) => d.t.groupKey).sort();
    await em.query(`INSERT INTO rule_groups (rule_id, group_key) SELECT $1, unnest($2::text[]) ORDER BY 2 ON CONFLICT DO NOTHING`, [rule.id, keys]);
    // Locked, and read again: a run handled meanwhile (by an overlapping sweep) is not fired twice.
    const locked: { groupKey: string; lastRun: Date | null }[] = await em.query(
      `SELECT group_key AS "groupKey", last_seen_at AS "lastRun" FROM rule_groups WHERE rule_id = $1 AND group_key = ANY($2::text[]) ORDER BY group_key FOR UPDATE SKIP LOCKED`,
      [rule.id, keys],
    );
    const lastRun = new Map(locked.map((l) => [l.groupKey, l.lastRun]));
    let fired = 0;
    for (const { t, run } of due) {
      if (!lastRun.has(t.groupKey)) continue;
      const handled = lastRun.get(t.groupKey);
      if (handled && new Date(handled) >= run) continue;
      const from = prevCronRun(rule.trigger.cron, t.timeZone, run);
      const counters = await this.counters(em, rule.organizationId, t.customerId, from, run);
      await this.writer.apply(em, { ...rule, triggerType: 'schedule' }, t.groupKey, t.customerId, null, [
        { kind: 'fire', at: run.getTime(), incident: run.toISOString(), matches: [], suppressed: 0, data: { period: { from: from.toISOString(), to: run.toISOString(), timeZone: t.timeZone }, counters } },
      ]);
      await em.query(`UPDATE rule_groups SET last_seen_at = $3, updated_at = now() WHERE rule_id = $1 AND group_key = $2`, [rule.id, t.groupKey, run]);
      fired++;
    }
    return fired;
  }

  // Each active customer in scope in its zone (the rule's zone overrides), or the organization once.
  private async targets(em: EntityManager, rule: ScheduleRule): Promise<Target[]> {
    const zone = rule.trigger.timeZone;
    if (rule.trigger.perCustomer === false) {
      const [g]: { lastRun: Date | null }[] = await em.query(`SELECT last_seen_at AS "lastRun" FROM rule_groups WHERE rule_id = $1 AND group_key = 'organization'`, [rule.id]);
      return [{ groupKey: 'organization', customerId: null, timeZone: zone ?? 'UTC', lastRun: g?.lastRun ?? null }];
    }
    const rows: { customerId: string; timeZone: string; lastRun: Date | null }[] = await em.query(
      `SELECT c.id AS "customerId", c.time_zone AS "timeZone", g.last_seen_at AS "lastRun"
       FROM customers c LEFT JOIN rule_groups g ON g.rule_id = $2 AND g.group_key = c.id::text
       WHERE c.organization_id = $1 AND c.status = 'active'
         AND ($3::text[] IS NULL OR c.id::text = ANY($3::text[])) AND ($4::text[] IS NULL OR c.brand_id::text = ANY($4::text[]))`,
      [rule.organizationId, rule.id, rule.scope.customerIds ?? null, rule.scope.brandIds ?? null],
    );
    return rows.map((r) => ({ groupKey: r.customerId, customerId: r.customerId, timeZone: zone ?? r.timeZone ?? 'UTC', lastRun: r.lastRun }));
  }

  // What a periodic message reports: the period's events by kind, and the sites cleaned in it (threat-sql.ts kinds).
  private async counters(em: EntityManager, organizationId: string, customerId: string | null, from: Date, to: Date): Promise<Record<string, number>> {
    const [c]: Record<string, number>[] = await em.query(
      `SELECT count(*)::int AS events, count(*) FILTER (WHERE kind = 'detection')::int AS detections,
              count(*) FILTER (WHERE kind = 'cleanup')::int AS cleanups, count(*) FILTER (WHERE kind = 'quarantine')::int AS quarantines,
              count(*) FILTER (WHERE kind = 'file_deleted')::int AS "filesDeleted", count(*) FILTER (WHERE kind = 'process_killed')::int AS "processesKilled",
              count(DISTINCT site_id) FILTER (WHERE kind IN ('cleanup', 'quarantine', 'file_deleted', 'process_killed', 'process_blocked'))::int AS "sitesCleaned"
       FROM events WHERE organization_id = $1 AND ($2::uuid IS NULL OR customer_id = $2) AND occurred_at >= $3 AND occurred_at < $4`,
      [organizationId, customerId, from, to],
    );
    return c;
  }
}
