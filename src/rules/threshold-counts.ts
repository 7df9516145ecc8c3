import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { stepOf } from './threshold-crossing';

// A threshold group of a batch: its rule, key, window and the matches (in time order) it counts.
export interface CountGroup {
  ruleId: string;
  key: string;
  windowMs: number;
  matches: readonly { at: number }[];
}

// Threshold windows kept as counts per window step (rule_counts): reading a group's count is a sum of at most 60
// rows, adding a batch one upsert, whatever the traffic.
@Injectable()
export class ThresholdCounts {
  // Per group ("rule|key"): what is counted in the window that ends at the group's last match.
  async read(em: EntityManager, groups: CountGroup[]): Promise<Map<string, number>> {
    if (!groups.length) return new Map();
    const rows: { ruleId: string; k: string; n: number }[] = await em.query(
      `SELECT k.rule_id AS "ruleId", k.group_key AS k, coalesce(sum(c.n), 0)::int AS n
       FROM unnest($1::uuid[], $2::text[], $3::bigint[]) k(rule_id, group_key, since)
       LEFT JOIN rule_counts c ON c.rule_id = k.rule_id AND c.group_key = k.group_key AND c.bucket > k.since
       GROUP BY 1, 2`,
      [groups.map((g) => g.ruleId), groups.map((g) => g.key), groups.map(since)],
    );
    return new Map(rows.map((r) => [`${r.ruleId}|${r.k}`, r.n]));
  }

  // The matches counted into their window steps; steps that left the window are dropped.
  async add(em: EntityManager, groups: CountGroup[]): Promise<void> {
    if (!groups.length) return;
    const steps = new Map<string, { ruleId: string; key: string; step: number; n: number }>();
    for (const g of groups) for (const m of g.matches) {
      const step = stepOf(m.at, g.windowMs);
      const id = JSON.stringify([g.ruleId, g.key, step]);
      const s = steps.get(id);
      if (s) s.n++;
      else steps.set(id, { ruleId: g.ruleId, key: g.key, step, n: 1 });
    }
    // In one order, so that two transactions adding to the same steps never wait on each other crosswise.
    const parts = [...steps.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, s]) => s);
    await em.query(
      `INSERT INTO rule_counts (rule_id, group_key, bucket, n) SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::int[])
       ON CONFLICT (rule_id, group_key, bucket) DO UPDATE SET n = rule_counts.n + EXCLUDED.n`,
      [parts.map((p) => p.ruleId), parts.map((p) => p.key), parts.map((p) => p.step), parts.map((p) => p.n)],
    );
    await em.query(
      `DELETE FROM rule_counts c USING unnest($1::uuid[], $2::text[], $3::bigint[]) k(rule_id, group_key, since)
       WHERE c.rule_id = k.rule_id AND c.group_key = k.group_key AND c.bucket <= k.since`,
      [groups.map((g) => g.ruleId), groups.map((g) => g.key), groups.map(since)],
    );
  }
}

// The step before which nothing counts any more at the group's last match.
const since = (g: CountGroup): number => stepOf(g.matches[g.matches.length - 1].at, g.windowMs) - g.windowMs;
