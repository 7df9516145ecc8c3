import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Database } from '../db/database';
import { DeliveryOutbox } from '../deliveries/delivery-outbox';
import { ValidationError } from '../errors/domain-error';
import { SEVERITIES } from '../events/normalized-event';
import { MemberChannel, memberSendTimes } from './member-quiet-hours';
import type { RuleAction } from './rule-definition';
import { RULE_FIRED } from './rule-fired';
import { FIRINGS_BODY_SQL } from './rule-payload-sql';

// Every enabled channel of every enabled contact a rule's contact actions reach for these firings, once per channel:
// the members of {contactGroupId}, and with {contacts: 'customer'} the contacts of the firings' one customer. A
// customer's contact hears of that customer only, whichever group they are in.
const TARGETS_SQL = `
  WITH f AS (SELECT customer_id, first_at, id, max_severity_rank FROM rule_firings WHERE id = ANY($1::uuid[])),
  body AS (SELECT (array_agg(customer_id ORDER BY first_at, id))[1] AS customer_id, count(DISTINCT customer_id) AS customers, max(max_severity_rank) AS rank FROM f),
  reached AS (
    SELECT a.action, a.ord, m.contact_id
    FROM rules r CROSS JOIN LATERAL jsonb_array_elements(r.actions) WITH ORDINALITY AS a(action, ord)
    JOIN contact_groups g ON g.id = (a.action ->> 'contactGroupId')::uuid AND g.organization_id = r.organization_id
    JOIN contact_group_members m ON m.group_id = g.id
    WHERE r.id = $2
    UNION ALL
    SELECT a.action, a.ord, c.id
    FROM rules r CROSS JOIN body CROSS JOIN LATERAL jsonb_array_elements(r.actions) WITH ORDINALITY AS a(action, ord)
    JOIN contacts c ON c.customer_id = body.customer_id AND c.organization_id = r.organization_id
    WHERE r.id = $2 AND a.action ->> 'contacts' = 'customer' AND body.customers = 1
  )
  SELECT DISTINCT ON (ds.id) ds.id AS "destinationId", ct.time_zone AS "timeZone", ct.quiet_hours AS "quietHours", reached.action, body.rank
  FROM reached CROSS JOIN body
  JOIN contacts ct ON ct.id = reached.contact_id AND ct.enabled AND ct.organization_id = (SELECT organization_id FROM rules WHERE id = $2)
  JOIN destinations ds ON ds.contact_id = ct.id AND ds.state = 'enabled' AND ds.organization_id = ct.organization_id
  WHERE ct.customer_id IS NULL OR (body.customers = 1 AND ct.customer_id = body.customer_id)
  ORDER BY ds.id, reached.ord`;

const rankName = (rank: number): string | null => (rank > 0 ? SEVERITIES[SEVERITIES.length - 1 - rank] : null);

// A rule's contact-group and customer-contacts actions, written beside its destination actions in the same
// transaction: read the reached channels (one statement), decide each member's quiet hours (pure), write the
// deliveries (one statement; each its own unique key), and queue them, a held one for the end of its member's quiet hours.
@Injectable()
export class ContactDeliveries {
  constructor(private readonly outbox: DeliveryOutbox) {}

  // Firings sent each on its own (no group window): only those of rules with a contact action are looked at, one by
  // one (one query finds them; a rule that reaches no contact costs nothing more).
  async writeEach(em: EntityManager, firingIds: string[], now: Date): Promise<number> {
    const reaching: { id: string; ruleId: string }[] = await em.query(
      `SELECT f.id, f.rule_id AS "ruleId" FROM rule_firings f JOIN rules r ON r.id = f.rule_id
       WHERE f.id = ANY($1::uuid[]) AND EXISTS (SELECT 1 FROM jsonb_array_elements(r.actions) a WHERE a.value ? 'contactGroupId' OR a.value ? 'contacts')`,
      [firingIds],
    );
    let n = 0;
    for (const f of reaching) n += await this.write(em, f.ruleId, [f.id], f.id, now);
    return n;
  }

  async write(em: EntityManager, ruleId: string, firingIds: string[], keyPart: string, now: Date): Promise<number> {
    const targets: (MemberChannel & { action: RuleAction; rank: number })[] = await em.query(TARGETS_SQL, [firingIds, ruleId]);
    if (!targets.length) return 0;
    const times = memberSendTimes(targets, now, rankName(targets[0].rank ?? 0));
    const written: { id: string }[] = await em.query(
      `WITH ${FIRINGS_BODY_SQL}, t AS (SELECT * FROM unnest($3::uuid[], $4::jsonb[]) AS t(destination_id, action))
       ${this.outbox.insertSql(
         `SELECT r.organization_id, CASE WHEN body.customers = 1 THEN body.customer_id END, ds.kind, '${RULE_FIRED}', $5,
                 '${RULE_FIRED}:' || r.id || ':' || $6 || ':' || ds.id,
                 jsonb_build_object('rule', jsonb_build_object('id', r.id, 'name', r.name), 'trigger', r.trigger_type, 'action', t.action,
                                    'sentAt', $7::timestamptz, 'firings', body.firings),
                 ds.id
          FROM rules r CROSS JOIN body CROSS JOIN t JOIN destinations ds ON ds.id = t.destination_id
          WHERE r.id = $2`,
         true,
       )}`,
      [firingIds, ruleId, targets.map((t) => t.destinationId), targets.map((t) => JSON.stringify(t.action)), firingIds[0], keyPart, now],
    );
    if (!written.length) return 0;
    // Held ones wait by their due time (the claim takes a delivery only once it is due) and by their job's start.
    // Through a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count].
    const holds = targets.filter((t) => times.get(t.destinationId));
    const held: { id: string; at: Date }[] = !holds.length ? [] : await em.query(
      `WITH moved AS (
         UPDATE deliveries d SET next_attempt_at = h.at
         FROM unnest($2::uuid[], $3::timestamptz[]) AS h(destination_id, at)
         WHERE d.id = ANY($1::uuid[]) AND d.destination_id = h.destination_id RETURNING d.id, h.at)
       SELECT id, at FROM moved`,
      [written.map((w) => w.id), holds.map((t) => t.destinationId), holds.map((t) => times.get(t.destinationId))],
    );
    const heldIds = new Set(held.map((h) => h.id));
    await this.outbox.queue(em, written.map((w) => w.id).filter((id) => !heldIds.has(id)));
    const byTime = new Map<number, string[]>();
    for (const h of held) byTime.set(new Date(h.at).getTime(), [...(byTime.get(new Date(h.at).getTime()) ?? []), h.id]);
    for (const [at, ids] of byTime) await this.outbox.queue(em, ids, new Date(at));
    return written.length;
  }
}

// A contact action's group must be the organization's own (another's is not found: 400).
export async function checkContactTarget(db: Database, organizationId: string, a: RuleAction, field: string): Promise<void> {
  if (a.contactGroupId === undefined) return;
  const found: unknown[] = await db.dataSource.query(`SELECT 1 FROM contact_groups WHERE id = $1 AND organization_id = $2`, [a.contactGroupId, organizationId]);
  if (!found.length) throw new ValidationError(`${field}.contactGroupId`, `${field}.contactGroupId: contact group ${a.contactGroupId} not found`);
}
