import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { eventCandidates, EventIdentity } from './match-keys';
import { MatchedLaterHooks } from './matched-later-hooks';

export interface MatchableEvent extends EventIdentity {
  id: string;
}

// Resolves events to customers and sites. Candidates are computed here; new events are matched inside their INSERT
// (resolveJoin), stored ones that were unmatched by one UPDATE per batch (match).
@Injectable()
export class EventMatcher {
  constructor(private readonly laterHooks: MatchedLaterHooks) {}

  // For events not stored yet: their candidate keys and rules, in order of preference, as two parallel arrays.
  candidates(ev: EventIdentity): { keys: string[]; rules: string[] } {
    const list = eventCandidates(ev);
    return { keys: list.map((c) => c.key), rules: list.map((c) => c.rule) };
  }

  // A LATERAL join that resolves a row carrying those arrays (columns `keys`, `rules` of `row`) to the site holding
  // its first candidate key, so that an insert writes each event once, already matched (the same rule as match()).
  resolveJoin(row: string, organizationParam: string): string {
    return `LEFT JOIN LATERAL (
        SELECT k.site_id, s.customer_id, ${row}.rules[u.ord] AS rule
        FROM unnest(${row}.keys) WITH ORDINALITY AS u(key, ord)
        JOIN site_keys k ON k.organization_id = ${organizationParam} AND k.key = u.key
        JOIN sites s ON s.id = k.site_id
        ORDER BY u.ord LIMIT 1) AS matched ON true`;
  }

  // Returns how many of the events were matched. Events already matched are left alone. What was matched is handed
  // to the matched-later hooks in the same transaction.
  async match(em: EntityManager, organizationId: string, events: readonly MatchableEvent[]): Promise<number> {
    const ids: string[] = [];
    const keys: string[] = [];
    const prios: number[] = [];
    const rules: string[] = [];
    for (const ev of events) {
      for (const c of eventCandidates(ev)) {
        ids.push(ev.id);
        keys.push(c.key);
        prios.push(c.priority);
        rules.push(c.rule);
      }
    }
    if (ids.length === 0) return 0;
    const matched: { id: string }[] = await em.query(
      `WITH upd AS (
         UPDATE events e SET customer_id = s.customer_id, site_id = s.id, match_rule = m.rule
         FROM (SELECT DISTINCT ON (c.event_id) c.event_id, k.site_id, c.rule
               FROM unnest($2::bigint[], $3::text[], $4::int[], $5::text[]) AS c(event_id, key, prio, rule)
               JOIN site_keys k ON k.organization_id = $1 AND k.key = c.key
               ORDER BY c.event_id, c.prio) m
         JOIN sites s ON s.id = m.site_id
         WHERE e.id = m.event_id AND e.organization_id = $1 AND e.customer_id IS NULL
         RETURNING e.id)
       SELECT id::text FROM upd`,
      [organizationId, ids, keys, prios, rules],
    );
    await this.laterHooks.run(em, organizationId, matched.map((m) => m.id));
    return matched.length;
  }

  // Before a site or customer goes away: its events become unmatched (not silently kept with a dangling rule), so the
  // rematch job can resolve them to whatever site now claims them.
  async unmatch(em: EntityManager, organizationId: string, by: { siteId: string } | { customerId: string }): Promise<void> {
    const [column, id] = 'siteId' in by ? ['site_id', by.siteId] : ['customer_id', by.customerId];
    await em.query(
      `UPDATE events SET customer_id = NULL, site_id = NULL, match_rule = NULL WHERE organization_id = $1 AND ${column} = $2`,
      [organizationId, id],
    );
  }
}
