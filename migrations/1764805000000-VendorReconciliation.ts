import { MigrationInterface, QueryRunner } from 'typeorm';

export class VendorReconciliation1764805000000 implements MigrationInterface {
  name = 'VendorReconciliation1764805000000';

  async up(q: QueryRunner): Promise<void> {
    // A reconciliation pass re-reads the last reconcile window of an account (up to where the incremental poll stood
    // when the pass began) so that records that became visible after the high-water mark passed their timestamp are
    // still stored. Interval and window are per account (null = the configured default). A pass that does not finish
    // in one poll run keeps its own cursor and resumes; its start is the upper bound it reads to.
    await q.query(`
      ALTER TABLE vendor_accounts
        ADD COLUMN reconcile_interval_seconds int,
        ADD COLUMN reconcile_window_seconds int,
        ADD COLUMN next_reconcile_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN reconcile_cursor jsonb,
        ADD COLUMN reconcile_started_at timestamptz,
        ADD COLUMN reconcile_found int NOT NULL DEFAULT 0,
        ADD COLUMN last_reconciled_at timestamptz,
        ADD COLUMN last_reconcile_missed int`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE vendor_accounts
        DROP COLUMN reconcile_interval_seconds, DROP COLUMN reconcile_window_seconds, DROP COLUMN next_reconcile_at,
        DROP COLUMN reconcile_cursor, DROP COLUMN reconcile_started_at, DROP COLUMN reconcile_found,
        DROP COLUMN last_reconciled_at, DROP COLUMN last_reconcile_missed`);
  }
}
