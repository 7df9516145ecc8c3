import { MigrationInterface, QueryRunner } from 'typeorm';

export class ManagedUrgentRule1764853000000 implements MigrationInterface {
  name = 'ManagedUrgentRule1764853000000';

  async up(q: QueryRunner): Promise<void> {
    // A rule the service keeps for a setting elsewhere (`urgent-kinds`: the customers' urgentKinds digest setting),
    // at most one of each per organization, so that replicas creating it at once end with one.
    await q.query(`ALTER TABLE rules ADD COLUMN managed text`);
    await q.query(`CREATE UNIQUE INDEX rules_managed ON rules (organization_id, managed) WHERE managed IS NOT NULL`);
    // Existing urgentKinds settings are served by the rule from now on (the body as src/rules/urgent-kinds-rule.ts
    // wrote it at this migration; the separate hook that sent them is gone).
    await q.query(`
      INSERT INTO rules (organization_id, name, enabled, trigger_type, trigger, scope, actions, cooldown_seconds, group_window_seconds, dedupe_key, managed)
      SELECT DISTINCT s.organization_id, 'Urgent e-mail (customers'' urgentKinds)', true, 'event',
             '{"type": "event", "filter": {"urgentKindsOfCustomer": true}}'::jsonb, '{}'::jsonb,
             '[{"recipients": "customer", "templateKind": "alert.urgent"}]'::jsonb, 0, 0, '{rule}:{group}:{incident}', 'urgent-kinds'
      FROM digest_subscriptions s WHERE cardinality(s.urgent_kinds) > 0
      ON CONFLICT (organization_id, managed) WHERE managed IS NOT NULL DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM rules WHERE managed IS NOT NULL`);
    await q.query(`DROP INDEX rules_managed`);
    await q.query(`ALTER TABLE rules DROP COLUMN managed`);
  }
}
