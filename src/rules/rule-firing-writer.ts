import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../clock/clock';
import { DeliveryOutbox } from '../deliveries/delivery-outbox';
import { ContactDeliveries } from './contact-deliveries';
import { JobEngine } from '../jobs/job-engine';
import { EVENT_LIST_SQL, FIRING_JSON } from './rule-payload-sql';
import { Effect, firingKeySuffix } from './group-decisions';
import { quietHold } from './quiet-hours';
import type { QuietHours } from './rule-definition';
import { RULE_FIRED } from './rule-fired';
import { FLUSH_FIRING } from './rule-jobs';
import { renderKey } from './trigger-variables';
import { GROUP_LIST_LIMIT } from './rule-definition';
import { SEVERITIES } from '../events/normalized-event';
import { CUSTOMER_RECIPIENTS_SELECT } from './customer-recipients-action';

export interface FiringRule {
  id: string;
  organizationId: string;
  triggerType: string;
  dedupeKey: string;
  quietHours: QuietHours | null;
  cooldownSeconds: number;
}

const rankName = (rank: number): string | null => (rank > 0 ? SEVERITIES[SEVERITIES.length - 1 - rank] : null);

// Turns decided effects into rows: a firing per incident ((rule, dedupe key) unique: never twice), its deliveries
// through the one outbox (one per action destination, same key), held for quiet hours or a group window by a job.
// Everything in the caller's transaction.
@Injectable()
export class RuleFiringWriter {
  constructor(
    private readonly outbox: DeliveryOutbox,
    private readonly jobs: JobEngine,
    private readonly clock: Clock,
    private readonly contacts: ContactDeliveries,
  ) {}

  // Returns the id of the firing a burst is collecting into (for the group's memory), if one was opened.
  async apply(em: EntityManager, rule: FiringRule, group: string, customerId: string | null, openFiringId: string | null, effects: Effect[]): Promise<string | null> {
    let open = openFiringId;
    for (const fx of effects) {
      if (fx.kind === 'suppress') continue;
      if (fx.kind === 'join') {
        if (open) await this.join(em, open, fx.matches.map((m) => m.eventId), fx.matches.length, Math.max(...fx.matches.map((m) => m.rank)));
        continue;
      }
      const data = fx.data ?? {};
      const key = firingKey(rule, group, customerId, fx);
      const ids = fx.matches.slice(0, GROUP_LIST_LIMIT).map((m) => m.eventId);
      const rank = Math.max(0, ...fx.matches.map((m) => m.rank));
      const now = this.clock.now();
      const sendAt = fx.kind === 'open' ? new Date(Math.max(fx.flushAt, now.getTime())) : now;
      const [row]: { id: string }[] = await em.query(
        `INSERT INTO rule_firings (organization_id, rule_id, group_key, customer_id, incident, dedupe_key, status, first_at, send_at, event_count, event_ids, max_severity_rank, suppressed, data)
         VALUES ($1, $2, $3, $4, $5, $6, 'collecting', $7, $8, $9, $10::bigint[], $11, $12, $13)
         ON CONFLICT ON CONSTRAINT rule_firings_once DO NOTHING RETURNING id`,
        [rule.organizationId, rule.id, group, customerId, fx.incident, key, new Date(fx.at), sendAt, fx.matches.length, ids, rank, fx.suppressed, data],
      );
      if (!row) continue; // this incident fired already
      if (fx.kind === 'open') {
        open = row.id;
        await this.jobs.send(FLUSH_FIRING, { firingId: row.id }, { tx: em, startAfter: sendAt, dedupeKey: `${row.id}:${sendAt.toISOString()}` });
      } else {
        await this.release(em, rule, row.id, customerId, rank);
      }
    }
    return open;
  }

  // Firings that go out at once (no group window), of any rules and groups, written together: one statement for the
  // firings, one for their deliveries (each firing its own message), whatever their number; a firing held by quiet
  // hours takes the one-at-a-time way.
  async fireAll(em: EntityManager, all: { rule: FiringRule; group: string; customerId: string | null; fx: Fire }[]): Promise<void> {
    if (!all.length) return;
    const now = this.clock.now();
    const col = <T>(f: (x: (typeof all)[number]) => T) => all.map(f);
    const rows: { id: string; ruleId: string; customerId: string | null; rank: number }[] = await em.query(
      `INSERT INTO rule_firings (organization_id, rule_id, group_key, customer_id, incident, dedupe_key, status, first_at, send_at, event_count, event_ids, max_severity_rank, suppressed, data)
       SELECT v.organization_id, v.rule_id, v.group_key, v.customer_id, v.incident, v.dedupe_key, 'collecting', v.first_at, $13, v.event_count, v.event_ids::bigint[], v.rank, v.suppressed, v.data::jsonb
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::int[], $9::text[], $10::int[], $11::int[], $12::text[])
            v(organization_id, rule_id, group_key, customer_id, incident, dedupe_key, first_at, event_count, event_ids, rank, suppressed, data)
       ON CONFLICT ON CONSTRAINT rule_firings_once DO NOTHING
       RETURNING id, rule_id AS "ruleId", customer_id AS "customerId", max_severity_rank AS rank`,
      [
        col((x) => x.rule.organizationId), col((x) => x.rule.id), col((x) => x.group), col((x) => x.customerId), col((x) => x.fx.incident),
        col((x) => firingKey(x.rule, x.group, x.customerId, x.fx)), col((x) => new Date(x.fx.at)), col((x) => x.fx.matches.length),
        col((x) => `{${x.fx.matches.slice(0, GROUP_LIST_LIMIT).map((m) => m.eventId).join(',')}}`), col((x) => Math.max(0, ...x.fx.matches.map((m) => m.rank))),
        col((x) => x.fx.suppressed), col((x) => JSON.stringify(x.fx.data)), now,
      ],
    );
    const rules = new Map(all.map((x) => [x.rule.id, x.rule]));
    const outNow: string[] = [];
    for (const r of rows) {
      const rule = rules.get(r.ruleId)!;
      if (rule.quietHours) await this.release(em, rule, r.id, r.customerId, Number(r.rank));
      else outNow.push(r.id);
    }
    await this.sendEach(em, outNow);
  }

  // A firing whose collecting is over: out now, or held to the end of quiet hours (then sent with the others held).
  async release(em: EntityManager, rule: FiringRule, firingId: string, customerId: string | null, rank: number): Promise<void> {
    const now = this.clock.now();
    const hold = rule.quietHours ? quietHold(rule.quietHours, now, await this.zoneOf(em, customerId), rankName(rank)) : null;
    if (hold) {
      await em.query(`UPDATE rule_firings SET status = 'held', send_at = $2 WHERE id = $1`, [firingId, hold]);
      await this.jobs.send(FLUSH_FIRING, { firingId }, { tx: em, startAfter: hold, dedupeKey: `${firingId}:${hold.toISOString()}` });
      return;
    }
    await this.send(em, rule, [firingId], `${firingId}`);
  }

  // One delivery per action destination for these firings (one normally; all those quiet hours held, at their end).
  async send(em: EntityManager, rule: FiringRule, firingIds: string[], keyPart: string): Promise<number> {
    const now = this.clock.now();
    const written: { id: string }[] = await em.query(
      `WITH f AS (
         SELECT f.*, ${EVENT_LIST_SQL('f')} AS events FROM rule_firings f WHERE f.id = ANY($1::uuid[])
       ), body AS (
         SELECT $3::uuid AS rule_id, $4::text AS cause_id, $5::text AS key_part,
                jsonb_agg(${FIRING_JSON} ORDER BY f.first_at, f.id) AS firings,
                (array_agg(f.customer_id ORDER BY f.first_at, f.id))[1] AS customer_id,
                count(DISTINCT f.customer_id) AS customers
         FROM f
       )
       ${this.deliveriesSql()}`,
      [firingIds, now, rule.id, firingIds[0], keyPart],
    );
    await em.query(`UPDATE rule_firings SET status = 'sent', sent_at = $2 WHERE id = ANY($1::uuid[])`, [firingIds, now]);
    await this.outbox.queue(em, written.map((w) => w.id));
    return written.length + (await this.contacts.write(em, rule.id, firingIds, keyPart, now));
  }

  // Firings that go out at once, of any rules: each its own message, all written by one statement (a rule without a
  // group window fires once per event, and ingestion must not pay a round trip per event).
  async sendEach(em: EntityManager, firingIds: string[]): Promise<number> {
    if (!firingIds.length) return 0;
    const now = this.clock.now();
    const written: { id: string }[] = await em.query(
      `WITH f AS (
         SELECT f.*, ${EVENT_LIST_SQL('f')} AS events FROM rule_firings f WHERE f.id = ANY($1::uuid[])
       ), body AS (
         SELECT f.rule_id, f.id::text AS cause_id, f.id::text AS key_part, jsonb_build_array(${FIRING_JSON}) AS firings, f.customer_id,
                (f.customer_id IS NOT NULL)::int AS customers
         FROM f
       )
       ${this.deliveriesSql()}`,
      [firingIds, now],
    );
    await em.query(`UPDATE rule_firings SET status = 'sent', sent_at = $2 WHERE id = ANY($1::uuid[])`, [firingIds, now]);
    await this.outbox.queue(em, written.map((w) => w.id));
    return written.length + (await this.contacts.writeEach(em, firingIds, now));
  }

  // The deliveries of the messages in `body` (a row per message: rule_id, cause_id, key_part, firings, customer_id,
  // customers), one per action target of the message's rule; $2 is the time they are sent.
  private deliveriesSql(): string {
    return this.outbox.insertSql(
      `SELECT r.organization_id, CASE WHEN body.customers = 1 THEN body.customer_id END, ds.kind, '${RULE_FIRED}', body.cause_id,
              -- the action's place after the first, so that two actions on one destination (a ticket and a billable item on
              -- the same WHMCS) are two deliveries, not one dropped as a repeat
              '${RULE_FIRED}:' || r.id || ':' || body.key_part || ':' || ds.id || CASE WHEN a.n > 1 THEN ':' || a.n ELSE '' END,
              jsonb_build_object('rule', jsonb_build_object('id', r.id, 'name', r.name), 'trigger', r.trigger_type, 'action', a.action,
                                 'sentAt', $2::timestamptz, 'firings', body.firings),
              ds.id
       FROM body JOIN rules r ON r.id = body.rule_id
       CROSS JOIN LATERAL jsonb_array_elements(r.actions) WITH ORDINALITY AS a(action, n)
       JOIN destinations ds ON ds.id = (a.action ->> 'destinationId')::uuid AND ds.organization_id = r.organization_id
       -- a customer's own destination (its portal) hears of that customer only
       WHERE ds.customer_id IS NULL OR (body.customers = 1 AND ds.customer_id = body.customer_id)
       UNION ALL ${CUSTOMER_RECIPIENTS_SELECT}`,
      true,
    );
  }

  private async join(em: EntityManager, firingId: string, eventIds: string[], count: number, rank: number): Promise<void> {
    await em.query(
      `UPDATE rule_firings SET event_count = event_count + $2, event_ids = (event_ids || $3::bigint[])[1:${GROUP_LIST_LIMIT}],
              max_severity_rank = greatest(max_severity_rank, $4)
       WHERE id = $1 AND status = 'collecting'`,
      [firingId, count, eventIds.slice(0, GROUP_LIST_LIMIT), rank],
    );
  }

  private async zoneOf(em: EntityManager, customerId: string | null): Promise<string> {
    if (!customerId) return 'UTC';
    const [c]: { tz: string }[] = await em.query(`SELECT time_zone AS tz FROM customers WHERE id = $1`, [customerId]);
    return c?.tz ?? 'UTC';
  }
}

type Fire = Extract<Effect, { kind: 'fire' }>;

// The dedupe key of a firing: (rule, key) is unique, so an incident fires once. A transition's opening, its updates and
// its recovery share the incident: the suffix tells them apart.
function firingKey(rule: FiringRule, group: string, customerId: string | null, fx: Exclude<Effect, { kind: 'join' | 'suppress' }>): string {
  return renderKey(rule.dedupeKey, { rule: rule.id, group, incident: fx.incident, firedAt: new Date(fx.at).toISOString(), organization: rule.organizationId, customer: customerId ?? '' }) + firingKeySuffix(fx.data ?? {}, fx.matches);
}
