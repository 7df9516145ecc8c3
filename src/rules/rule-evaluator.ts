import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MatchedLaterHook, MatchedLaterHooks } from '../customers/matched-later-hooks';
import { NewEventHooks, NewEventsHook } from '../events/new-event-hooks';
import { EMPTY_GATE } from './firing-gate';
import { decideEvents, decideThreshold, decideTransition, Effect, GroupMemory, Match } from './group-decisions';
import type { QuietHours, RuleTrigger } from './rule-definition';
import { RuleFiringWriter } from './rule-firing-writer';
import { MATCH_COLUMNS, matchSql, RULE_FILTER_COLUMNS } from './rule-sql';
import { SiteStates } from './site-states';
import { groupKey } from './threshold-crossing';
import { CountGroup, ThresholdCounts } from './threshold-counts';
import { rollUp } from './transition-detection';

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
export class RuleEvaluator implements NewEventsHook, MatchedLaterHook, OnModuleInit {
  readonly name = 'rules';

  constructor(
    private readonly hooks: NewEventHooks,
    private readonly writer: RuleFiringWriter,
    private readonly siteStates: SiteStates,
    private readonly laterHooks: MatchedLaterHooks,
    private readonly counts: ThresholdCounts,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
    this.laterHooks.register(this);
  }

  // Hands the new events on only when the organization has a live rule (an InitPlan evaluated once per statement).
  sql(events: string, organizationParam: string): string {
    return `SELECT ev.id FROM ${events} ev
            WHERE EXISTS (SELECT 1 FROM rules r WHERE r.organization_id = ${organizationParam} AND r.enabled AND r.trigger_type <> 'schedule')`;
  }

  async written(em: EntityManager, eventIds: string[]): Promise<void> {
    const rows = await this.matchRows(em, eventIds, ['event', 'threshold', 'transition']);
    if (!rows.length) return;
    const rules = await this.rules(em, [...new Set(rows.map((r) => r.ruleId))]);
    const touched = this.groups(rows, rules);
    if (!touched.length) return;
    const memory = await this.lock(em, touched);
    const before = await this.thresholdCounts(em, touched);
    const states = await this.transitionStates(em, touched, eventIds);
    const saved: Saved[] = [];
    const fires: Parameters<RuleFiringWriter['fireAll']>[1] = [];
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
        out = decideTransition(m, next, t.matches[t.matches.length - 1].at, t.rule.trigger as Extract<RuleTrigger, { type: 'transition' }>, t.key, t.matches, t.rule);
      }
      // Firings that go out at once are written together after the loop (one per event for a rule without a group window).
      const rest: Effect[] = [];
      for (const fx of out.effects) {
        if (fx.kind === 'fire') fires.push({ rule: t.rule, group: t.key, customerId: t.customerId, fx });
        else rest.push(fx);
      }
      const open = rest.length ? await this.writer.apply(em, t.rule, t.key, t.customerId, row.openFiringId, rest) : row.openFiringId;
      saved.push({ ruleId: t.rule.id, key: t.key, memory: out.memory, openFiringId: open, lastAt: t.matches[t.matches.length - 1].at });
    }
    await this.writer.fireAll(em, fires);
    await saveAll(em, saved);
  }

  private matchRows(em: EntityManager, eventIds: string[], types: string[]): Promise<MatchRow[]> {
    return em.query(
      // The batch first (by primary key), then the rules: joined the other way round, the planner may walk the
      // organization's events by its index and test each against the batch.
      `WITH e AS MATERIALIZED (
         SELECT id, organization_id, kind, severity, severity_rank, classification, threat_name, customer_id, site_id, server, vendor_account_id,
                source, occurred_at
         FROM events WHERE id = ANY($1::bigint[])),
       r AS MATERIALIZED (
         SELECT x.id, x.organization_id, x.trigger, ${RULE_FILTER_COLUMNS('x')} FROM rules x
         WHERE x.organization_id = (SELECT organization_id FROM e LIMIT 1) AND x.enabled AND x.trigger_type = ANY($2::text[]))
       SELECT * FROM (
         SELECT r.id AS "ruleId", r.organization_id AS "organizationId", ${MATCH_COLUMNS('e')},
                -- a transition reads the group's state after the batch: its last event is all it needs of it
                -- (a rule with updates keeps every event: those that leave an open incident as it is are its update)
                CASE WHEN r.trigger_type = 'transition' AND r.trigger ->> 'updates' IS DISTINCT FROM 'true' THEN row_number() OVER (
                  PARTITION BY r.id, CASE WHEN r.t_state = 'agent' THEN e.server WHEN r.trigger ->> 'rollup' = 'customer' THEN e.customer_id::text ELSE e.site_id::text END
                  ORDER BY e.occurred_at DESC, e.id DESC) END AS nth
         FROM e
         LEFT JOIN customers c ON c.id = e.customer_id
         CROSS JOIN r
         WHERE ${matchSql('e', 'c', 'r')}) m
       WHERE nth IS NULL OR nth = 1
       ORDER BY "ruleId", at, "eventId"::bigint`,
      [eventIds, types],
    );
  }


  // Events matched to a customer later (the rematch job): old news. They count into thresholds and per-site states
  // from now on, but decide nothing and send nothing; the next new event of the group sees them.
  async matched(em: EntityManager, organizationId: string, eventIds: string[]): Promise<void> {
    const states: { state: 'infection' | 'protection' }[] = await em.query(
      `SELECT DISTINCT trigger ->> 'state' AS state FROM rules
       WHERE organization_id = $1 AND enabled AND trigger_type = 'transition' AND trigger ->> 'state' IN ('infection', 'protection')`,
      [organizationId],
    );
    for (const { state } of states) await this.siteStates.update(em, state, { eventIds });
    const rows = await this.matchRows(em, eventIds, ['threshold']);
    if (!rows.length) return;
    const rules = await this.rules(em, [...new Set(rows.map((r) => r.ruleId))]);
    await this.counts.add(em, countGroups(this.groups(rows, rules)));
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

  // Per threshold group: what is counted in its window before the batch; then the batch is counted in.
  private async thresholdCounts(em: EntityManager, touched: Touched[]): Promise<Map<string, number>> {
    const groups = countGroups(touched);
    const before = await this.counts.read(em, groups);
    await this.counts.add(em, groups);
    return before;
  }

  // Per transition group: the state it is in now that the batch is stored, from the per-site states (updated from
  // the batch first).
  private async transitionStates(em: EntityManager, touched: Touched[], batch: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const tr = touched.filter((t) => t.rule.trigger.type === 'transition');
    for (const t of tr) if ((t.rule.trigger as { state: string }).state === 'agent') out.set(`${t.rule.id}|${t.key}`, 'reporting');
    for (const state of ['infection', 'protection'] as const) {
      const part = tr.filter((t) => (t.rule.trigger as { state: string }).state === state);
      if (!part.length) continue;
      await this.siteStates.update(em, state, { eventIds: batch });
      const bySite = part.filter((t) => (t.rule.trigger as { rollup?: string }).rollup !== 'customer');
      const byCustomer = part.filter((t) => (t.rule.trigger as { rollup?: string }).rollup === 'customer');
      const rows = await this.siteStates.read(em, state, [...new Set(bySite.map((t) => t.key))], [...new Set(byCustomer.map((t) => t.key))]);
      for (const t of bySite) {
        const r = rows.find((x) => x.siteId === t.key && !x.customerId);
        if (r) out.set(`${t.rule.id}|${t.key}`, r.state);
      }
      for (const t of byCustomer) out.set(`${t.rule.id}|${t.key}`, rollUp(state, rows.filter((x) => x.customerId === t.key).map((x) => x.state)));
    }
    return out;
  }
}

function countGroups(touched: Touched[]): CountGroup[] {
  return touched
    .filter((t) => t.rule.trigger.type === 'threshold')
    .map((t) => ({ ruleId: t.rule.id, key: t.key, windowMs: (t.rule.trigger as Extract<RuleTrigger, { type: 'threshold' }>).windowSeconds * 1000, matches: t.matches }));
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

interface Saved {
  ruleId: string;
  key: string;
  memory: GroupMemory;
  openFiringId: string | null;
  lastAt: number;
}

// Every group's memory in one statement.
async function saveAll(em: EntityManager, all: Saved[]): Promise<void> {
  if (!all.length) return;
  const col = <T>(f: (s: Saved) => T) => all.map(f);
  const ms = (v: number | null) => (v === null ? null : new Date(v).toISOString());
  await em.query(
    `UPDATE rule_groups g SET armed = v.armed, state = v.state, incident = v.incident, cooldown_until = v.cooldown_until, suppressed = v.suppressed,
            open_firing_id = v.open_firing_id, open_until = v.open_until, last_seen_at = greatest(g.last_seen_at, v.last_seen_at), updated_at = now()
     FROM unnest($1::uuid[], $2::text[], $3::boolean[], $4::text[], $5::text[], $6::timestamptz[], $7::int[], $8::uuid[], $9::timestamptz[], $10::timestamptz[])
          v(rule_id, group_key, armed, state, incident, cooldown_until, suppressed, open_firing_id, open_until, last_seen_at)
     WHERE g.rule_id = v.rule_id AND g.group_key = v.group_key`,
    [
      col((s) => s.ruleId), col((s) => s.key), col((s) => s.memory.armed), col((s) => s.memory.transition?.state ?? null), col((s) => s.memory.transition?.incident ?? null),
      col((s) => ms(s.memory.gate.cooldownUntil)), col((s) => s.memory.gate.suppressed), col((s) => (s.memory.gate.openUntil ? s.openFiringId : null)),
      col((s) => ms(s.memory.gate.openUntil)), col((s) => ms(s.lastAt)),
    ],
  );
}
