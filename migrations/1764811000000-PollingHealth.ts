import { MigrationInterface, QueryRunner } from 'typeorm';

export class PollingHealth1764811000000 implements MigrationInterface {
  name = 'PollingHealth1764811000000';

  async up(q: QueryRunner): Promise<void> {
    // Since when an account has been failing (cleared by a successful poll) and the class of its last error
    // (rate_limited, vendor_error, timeout, auth_failed, contract_error, internal_error): what /health/vendors and
    // the metrics show. Accounts failing now get their last error's time, the best that is known.
    await q.query(`ALTER TABLE vendor_accounts ADD COLUMN failing_since timestamptz, ADD COLUMN last_error_code text`);
    await q.query(`UPDATE vendor_accounts SET failing_since = COALESCE(last_error_at, now()) WHERE status IN ('retrying', 'failing')`);
    // The gauges of unsent mail are read at every scrape: these keep that read to the unsent rows.
    await q.query(`
      CREATE INDEX digests_unsent ON digests (scheduled_at)
      WHERE status IN ('pending', 'rendered', 'sending') OR (status = 'failed' AND failure_kind = 'transient')`);
    await q.query(`CREATE INDEX deliveries_unsent ON deliveries (destination, created_at) WHERE status IN ('pending', 'sending', 'failed')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deliveries_unsent`);
    await q.query(`DROP INDEX digests_unsent`);
    await q.query(`ALTER TABLE vendor_accounts DROP COLUMN failing_since, DROP COLUMN last_error_code`);
  }
}
