import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NewEventHooks, NewEventsHook } from '../events/new-event-hooks';
import { EMPTY_GATE } from './firing-gate';
import { decideEvents, decideThreshold, decideTransition, Effect, GroupMemory, Match } from './group-decisions';
import type { QuietHours, RuleTrigger } from './rule-definition';
import { RuleFiringWriter } from './rule-firing-writer';
import { MATCH_COLUMNS, matchSql, OPEN_THREATS_SQL, PROTECTION_SQL } from './rule-sql';
import { groupKey } from './threshold-crossing';
import { infectionOf, protectionOf, rollUp } from './transition-detection';

interface MatchRow extends Match {
  ruleId: string;
  customerId: string | null;
  siteId: string | null;
  server: string | null;
  kind: string;
}

export interface LiveRule {
  id: string;
  organizationId: string;
  triggerType: 'event' | 'threshold' | 'transition';
  trigger: RuleTrigger;
  dedupeKey: string;
  quietHours: QuietHours | null;
  cooldownSeconds: number;
  groupWindowSeconds: number;
}

interface GroupRow {
  ruleId: string;
  groupKey: string;
  armed: boolean;
  state: string | null;
  incident: string | null;
  cooldownUntil: Date | null;
  suppressed: number;
  openFiringId: string | null;
  openUntil: Date | null;
}

interface Touched {
  rule: LiveRule;
  key: string;
  customerId: string | null;
  matches: MatchRow[];
}

// Rules evaluated at ingestion, in the transaction that stores the events (a hook on new events): only events new in
// this insert reach it, so a re-poll or a duplicate push decides nothing, and events matched later by the rematch job
// never send "new" messages (thresholds and transitions read the table and count them from then on). Set-based: one
// statement matches the batch against every enabled rule of the organization; then per rule and group (not per event)
// its memory row is locked, so replicas ingesting at once take turns and each sees what the other committed.
@Injectable()
export class RuleEvaluator implements NewEventsHook, OnModuleInit {
  readonly name = 'rules';

  constructor(
    private readonly hooks: NewEventHooks,
    private readonly writer: RuleFiringWriter,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  // Hands the new events on only when the organization has a live rule (an InitPlan evaluated once per statement).
  sql(events: string, organizationParam: string): string {
    return `SELECT ev.id FROM ${events} ev
            WHERE EXISTS (SELECT 1 FROM rules r WHERE r.organization_id = ${organizationParam} AND r.enabled AND r.trigger_type <> 'schedule')`;
  }

  async written(em: EntityManager, eventIds: string[]): Promise<void> {
    const rows: (MatchRow & { organizationId: string })[] = await em.query(
      `SELECT r.id AS "ruleId", r.organization_id AS "organizationId", ${MATCH_COLUMNS('e')}
       FROM events e
       LEFT JOIN customers c ON c.id = e.customer_id
       JOIN rules r ON r.organization_id = e.organization_id AND r.enabled AND r.trigger_type IN ('event', 'threshold', 'transition')
       WHERE e.id = ANY($1::bigint[]) AND ${matchSql('e', 'c', 'r')}
       ORDER BY r.id, e.occurred_at, e.id`,
      [eventIds],
    );
    if (!rows.length) return;
    const rules = await this.rules(em, [...new Set(rows.map((r) => r.ruleId))]);
    const touched = this.groups(rows, rules);
    if (!touched.length) return;
    const memory = await this.lock(em, touched);
    const before = await this.thresholdCounts(em, touched, eventIds);
    const states = await this.transitionStates(em, touched);
    for (const t of touched) {
      const id = `${t.rule.id}|${t.key}`;
      const row = memory.get(id)!;
      const m = toMemory(row);
      let out: { memory: GroupMemory; effects: Effect[] };
      if (t.rule.trigger.type === 'event') out = decideEvents(m, t.matches, t.rule);
      else if (t.rule.trigger.type === 'threshold') {
        const b = before.get(id) ?? 0;
        out = decideThreshold(m, t.matches, b, b + t.matches.length, t.rule.trigger, t.rule, t.key);
      } else {
        const next = states.get(id);
        if (next === undefined) continue;
        out = decideTransition(m, next, t.matches[t.matches.length - 1].at, t.rule.trigger as Extract<RuleTrigger, { type: 'transition' }>, t.key, t.matches);
      }
      const open = await this.writer.apply(em, t.rule, t.key, t.customerId, row.openFiringId, out.effects);
      await save(em, t.rule.id, t.key, out.memory, open, t.matches[t.matches.length - 1].at);
    }
  }

  private async rules(em: EntityManager, ids: string[]): Promise<Map<string, LiveRule>> {
    const list: LiveRule[] = await em.query(
      `SELECT id, organization_id AS "organizationId", trigger_type AS "triggerType", trigger, dedupe_key AS "dedupeKey", quiet_hours AS "quietHours",
              cooldown_seconds AS "cooldownSeconds", group_window_seconds AS "groupWindowSeconds"
       FROM rules WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(list.map((r) => [r.id, r]));
  }

  // The group each match counts in: an event rule groups by customer (one message per customer for a burst), a
  // threshold by its groupBy, a transition by site (or customer) or, for agents, by server.
  private groups(rows: MatchRow[], rules: Map<string, LiveRule>): Touched[] {
    const out = new Map<string, Touched>();
    for (const row of rows) {
      const rule = rules.get(row.ruleId)!;
      const t = rule.trigger;
      let key: string | null;
      if (t.type === 'event') key = row.customerId ?? 'unmatched';
      else if (t.type === 'threshold') key = groupKey(t.groupBy, row);
      else if (t.type === 'transition') key = t.state === 'agent' ? row.server : t.rollup === 'customer' ? row.customerId : row.siteId;
      else key = null;
      if (key === null) continue;
      const id = `${rule.id}|${key}`;
      let g = out.get(id);
      if (!g) out.set(id, (g = { rule, key, customerId: row.customerId, matches: [] }));
      g.matches.push({ ...row, at: Number(row.at), rank: Number(row.rank) });
    }
    return [...out.values()];
  }

  // The memory rows of the groups, created if new, locked in one order (no deadlock between replicas).
  private async lock(em: EntityManager, touched: Touched[]): Promise<Map<string, GroupRow>> {
    const keys = touched.map((t) => [t.rule.id, t.key] as const).sort((a, b) => (a[0] + '|' + a[1] < b[0] + '|' + b[1] ? -1 : 1));
    const ruleIds = keys.map((k) => k[0]);
    const groupKeys = keys.map((k) => k[1]);
    await em.query(
      `INSERT INTO rule_groups (rule_id, group_key) SELECT * FROM unnest($1::uuid[], $2::text[]) ORDER BY 1, 2 ON CONFLICT DO NOTHING`,
      [ruleIds, groupKeys],
    );
    const rows: GroupRow[] = await em.query(
      `SELECT g.rule_id AS "ruleId", g.group_key AS "groupKey", g.armed, g.state, g.incident, g.cooldown_until AS "cooldownUntil", g.suppressed,
              g.open_firing_id AS "openFiringId", g.open_until AS "openUntil"
       FROM rule_groups g JOIN unnest($1::uuid[], $2::text[]) k(rule_id, group_key) ON g.rule_id = k.rule_id AND g.group_key = k.group_key
       ORDER BY g.rule_id, g.group_key FOR UPDATE OF g`,
      [ruleIds, groupKeys],
    );
    return new Map(rows.map((r) => [`${r.ruleId}|${r.groupKey}`, r]));
  }

  // Per threshold group: the matching events already stored in the window that ends at the batch's last match.
  private async thresholdCounts(em: EntityManager, touched: Touched[], batch: string[]): Promise<Map<string, number>> {
    const th = touched.filter((t) => t.rule.trigger.type === 'threshold');
    if (!th.length) return new Map();
    const by = (t: Touched) => (t.rule.trigger as Extract<RuleTrigger, { type: 'threshold' }>).groupBy;
    const column: Record<string, string> = { customer: 'e.customer_id::text', site: 'e.site_id::text', server: 'e.server', organization: "'organization'" };
    const indexed: Record<string, string> = { customer: 'e.customer_id = g.k::uuid', site: 'e.site_id = g.k::uuid', server: 'e.server = g.k', organization: 'true' };
    const out = new Map<string, number>();
    for (const groupBy of new Set(th.map(by))) {
      const part = th.filter((t) => by(t) === groupBy);
      const rows: { ruleId: string; k: string; n: number }[] = await em.query(
        `SELECT g.rule_id AS "ruleId", g.k, (
           SELECT count(*)::int FROM events e LEFT JOIN customers c ON c.id = e.customer_id
           WHERE e.organization_id = r.organization_id AND ${indexed[groupBy]} AND ${column[groupBy]} = g.k
             AND e.occurred_at > g.t - make_interval(secs => (r.trigger ->> 'windowSeconds')::int) AND e.occurred_at <= g.t
             AND NOT (e.id = ANY($4::bigint[])) AND ${matchSql('e', 'c', 'r')}) AS n
         FROM unnest($1::uuid[], $2::text[], $3::float8[]) g0(rule_id, k, ms)
         CROSS JOIN LATERAL (SELECT g0.rule_id, g0.k, to_timestamp(g0.ms / 1000) AS t) g
         JOIN rules r ON r.id = g.rule_id`,
        [part.map((t) => t.rule.id), part.map((t) => t.key), part.map((t) => t.matches[t.matches.length - 1].at), batch],
      );
      for (const r of rows) out.set(`${r.ruleId}|${r.k}`, r.n);
    }
    return out;
  }

  // Per transition group: the state it is in now that the batch is stored.
  private async transitionStates(em: EntityManager, touched: Touched[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const tr = touched.filter((t) => t.rule.trigger.type === 'transition');
    for (const t of tr) if ((t.rule.trigger as { state: string }).state === 'agent') out.set(`${t.rule.id}|${t.key}`, 'reporting');
    for (const state of ['infection', 'protection'] as const) {
      const part = tr.filter((t) => (t.rule.trigger as { state: string }).state === state);
      if (!part.length) continue;
      const bySite = part.filter((t) => (t.rule.trigger as { rollup?: string }).rollup !== 'customer');
      const byCustomer = part.filter((t) => (t.rule.trigger as { rollup?: string }).rollup === 'customer');
      const siteIds = [...new Set(bySite.map((t) => t.key))];
      const customerIds = [...new Set(byCustomer.map((t) => t.key))];
      const sql = state === 'infection' ? OPEN_THREATS_SQL : PROTECTION_SQL;
      const source = `SELECT unnest($1::uuid[]) AS site_id, NULL::text AS customer_id UNION ALL SELECT s.id, s.customer_id::text FROM sites s WHERE s.customer_id = ANY($2::uuid[])`;
      const rows: { siteId: string; customerId: string | null; open?: number; vendorType?: string | null; raw?: unknown }[] = await em.query(sql(source), [siteIds, customerIds]);
      const siteState = (r: (typeof rows)[number]) =>
        state === 'infection' ? infectionOf(r.open ?? 0) : r.vendorType === null && r.raw === null ? 'protected' : protectionOf({ vendorType: r.vendorType ?? undefined, raw: r.raw });
      for (const t of bySite) {
        const r = rows.find((x) => x.siteId === t.key && !x.customerId);
        if (r) out.set(`${t.rule.id}|${t.key}`, siteState(r));
      }
      for (const t of byCustomer) {
        const sites = rows.filter((x) => x.customerId === t.key);
        out.set(`${t.rule.id}|${t.key}`, rollUp(state, sites.map(siteState)));
      }
    }
    return out;
  }
}

function toMemory(r: GroupRow): GroupMemory {
  return {
    armed: r.armed,
    transition: r.state === null ? null : { state: r.state, incident: r.incident },
    gate: {
      cooldownUntil: r.cooldownUntil ? new Date(r.cooldownUntil).getTime() : null,
      suppressed: r.suppressed,
      openUntil: r.openFiringId && r.openUntil ? new Date(r.openUntil).getTime() : null,
      openCount: 0,
    },
  };
}

async function save(em: EntityManager, ruleId: string, key: string, m: GroupMemory, openFiringId: string | null, lastAt: number): Promise<void> {
  await em.query(
    `UPDATE rule_groups SET armed = $3, state = $4, incident = $5, cooldown_until = $6, suppressed = $7, open_firing_id = $8, open_until = $9,
            last_seen_at = greatest(last_seen_at, $10), updated_at = now()
     WHERE rule_id = $1 AND group_key = $2`,
    [ruleId, key, m.armed, m.transition?.state ?? null, m.transition?.incident ?? null, m.gate.cooldownUntil ? new Date(m.gate.cooldownUntil) : null,
      m.gate.suppressed, m.gate.openUntil ? openFiringId : null, m.gate.openUntil ? new Date(m.gate.openUntil) : null, new Date(lastAt)],
  );
}
