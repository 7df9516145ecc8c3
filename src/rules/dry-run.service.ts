import { Injectable } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { Database } from '../db/database';
import { ValidationError } from '../errors/domain-error';
import { parseIsoTimestamp } from '../events/iso-timestamp';
import { DryRunFiring, DryRunReplay, ReplayEvent } from './dry-run-replay';
import { dryRunContactTargets, DryRunTarget } from './dry-run-targets';
import { checkRule } from './rule-check';
import type { RuleSpec } from './rule-definition';
import { matchSql, RULE_FILTER_COLUMNS } from './rule-sql';
import { RulesService } from './rules.service';

const PAGE = 100_000;
const MAX_RANGE_DAYS = 92;
const NO_DESTINATION = '00000000-0000-4000-8000-000000000000';

export interface DryRunResult {
  from: string;
  to: string;
  scanned: number; // matching events replayed
  firings: DryRunFiring[];
  suppressed: number; // matches the cooldown held back
  held: number; // firings quiet hours would have held
  contactTargets: DryRunTarget[]; // what its contact actions expand to now
  tookMs: number;
}

// POST /v1/rules/dry-run: a saved or unsaved rule over the stored events of a range, in time order, through the
// decisions live evaluation uses. Reads only: the events, a page at a time by keyset, matched by the same SQL filter.
@Injectable()
export class DryRunService {
  constructor(
    private readonly db: Database,
    private readonly rules: RulesService,
    private readonly clock: Clock,
  ) {}

  async run(organizationId: string, body: { rule?: unknown; ruleId?: unknown; from?: unknown; to?: unknown }): Promise<DryRunResult> {
    const started = Date.now();
    const spec = await this.spec(organizationId, body);
    if (spec.trigger.type === 'schedule') throw new ValidationError('rule.trigger.type', 'a schedule has no events to replay; its runs are its cron');
    const from = this.time(body.from, 'from');
    const to = this.time(body.to, 'to');
    if (to <= from) throw new ValidationError('to', 'to must be after from');
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) throw new ValidationError('to', `a dry-run covers at most ${MAX_RANGE_DAYS} days`);
    const replay = new DryRunReplay(spec);
    let after: { ts: string; id: string } | null = null;
    for (;;) {
      // The page starts at the last one's time (an index bound: the row comparison alone would scan from `from` again).
      const rows: (ReplayEvent & { ts: string })[] = await this.db.rows(
        `SELECT e.id::text AS "eventId", (extract(epoch FROM e.occurred_at) * 1000)::float8 AS at, e.occurred_at::text AS ts, e.severity_rank AS rank,
                e.customer_id AS "customerId", e.site_id AS "siteId", e.server, e.kind, ${this.extraColumns(spec)}
         FROM events e
         ${this.customerJoin(spec)}
         CROSS JOIN (SELECT ${RULE_FILTER_COLUMNS('x')} FROM (SELECT $2::jsonb AS trigger, $3::jsonb AS scope, $4::text AS trigger_type) x) r
         WHERE e.organization_id = $1 AND e.occurred_at >= coalesce($7::timestamptz, $5) AND e.occurred_at < $6
           AND ($7::timestamptz IS NULL OR (e.occurred_at, e.id) > ($7::timestamptz, $8::bigint))
           AND ${matchSql('e', 'c', 'r')}
         ORDER BY e.occurred_at, e.id LIMIT ${PAGE}`,
        [organizationId, JSON.stringify(spec.trigger), JSON.stringify(spec.scope), spec.trigger.type, from, to, after?.ts ?? null, after?.id ?? null],
      );
      for (const r of rows) {
        r.at = Number(r.at);
        r.rank = Number(r.rank);
        replay.add(r);
      }
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1];
      after = { ts: last.ts, id: last.eventId };
    }
    const out = replay.result(Math.min(to.getTime(), this.clock.now().getTime()));
    const contactTargets = await dryRunContactTargets(this.db, organizationId, spec.actions, out.firings.map((f) => f.group));
    return { from: from.toISOString(), to: to.toISOString(), ...out, contactTargets, tookMs: Date.now() - started };
  }

  // The customer (brand, time zone) only when the rule reads it.
  private customerJoin(spec: RuleSpec): string {
    const f = 'filter' in spec.trigger ? spec.trigger.filter : undefined;
    return f?.brandIds || spec.scope.brandIds || spec.quietHours
      ? 'LEFT JOIN customers c ON c.id = e.customer_id'
      : 'CROSS JOIN (SELECT NULL::uuid AS brand_id, NULL::text AS time_zone) c';
  }

  // Only what the rule's decisions read: a million rows cost by their columns.
  private extraColumns(spec: RuleSpec): string {
    const cols: string[] = [];
    const t = spec.trigger;
    if (t.type === 'transition' && t.state === 'infection') cols.push(`coalesce(e.file_path, e.process, e.threat_name, '') AS "filePath"`);
    if (t.type === 'transition' && t.state === 'protection') cols.push(`e.vendor_type AS "vendorType"`, `CASE WHEN e.kind = 'protection_changed' THEN coalesce(e.raw->'data'->>'mode', e.raw->>'mode') END AS mode`);
    if (spec.quietHours) cols.push(`c.time_zone AS "timeZone"`);
    return cols.length ? cols.join(', ') : 'NULL AS none';
  }

  private async spec(organizationId: string, body: { rule?: unknown; ruleId?: unknown }): Promise<RuleSpec> {
    if (body.ruleId !== undefined) {
      if (typeof body.ruleId !== 'string' || !/^[0-9a-f-]{36}$/i.test(body.ruleId)) throw new ValidationError('ruleId', 'ruleId must be the id of a rule');
      const r = await this.rules.get(organizationId, body.ruleId);
      return { ...r, trigger: r.trigger, scope: r.scope, quietHours: r.quietHours };
    }
    if (typeof body.rule !== 'object' || body.rule === null) throw new ValidationError('rule', 'rule (an unsaved rule) or ruleId (a saved one) is required');
    const rule = body.rule as Record<string, unknown>;
    // Actions do not change what fires: an unsaved rule may leave them out.
    try {
      return checkRule({ name: 'dry-run', ...rule, actions: rule.actions ?? [{ destinationId: NO_DESTINATION }] });
    } catch (err) {
      if (err instanceof ValidationError && err.field) throw new ValidationError(`rule.${err.field}`, err.message);
      throw err;
    }
  }

  private time(v: unknown, field: string): Date {
    if (typeof v !== 'string') throw new ValidationError(field, `${field} is required as an ISO-8601 timestamp`);
    const p = parseIsoTimestamp(v);
    if (!p.ok) throw new ValidationError(field, `${field} ${p.reason}`);
    return p.date;
  }
}
