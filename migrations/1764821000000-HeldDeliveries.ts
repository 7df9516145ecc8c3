import { MigrationInterface, QueryRunner } from 'typeorm';

export class HeldDeliveries1764821000000 implements MigrationInterface {
  name = 'HeldDeliveries1764821000000';

  async up(q: QueryRunner): Promise<void> {
    // `held`: the delivery's destination is disabled; kept (not sent, not dropped) until it is enabled again, then
    // sent in the order the rows were written.
    await q.query(`ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check`);
    await q.query(`ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'dead', 'held'))`);
    await q.query(`CREATE INDEX deliveries_held ON deliveries (destination_id, created_at) WHERE status = 'held'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deliveries_held`);
    await q.query(`UPDATE deliveries SET status = 'pending' WHERE status = 'held'`);
    await q.query(`ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check`);
    await q.query(`ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'dead'))`);
  }
}
