import { MigrationInterface, QueryRunner } from 'typeorm';

export class DestinationThreads1764850000000 implements MigrationInterface {
  name = 'DestinationThreads1764850000000';

  async up(q: QueryRunner): Promise<void> {
    // What a destination adapter remembers of the things it created on its target, by a key of its own: a ticket per
    // incident (`rule:<rule>:<incident>` → the ticket's id), a billing client (`client:<customer>`), a billable item.
    // 'creating' is written before the create call and stays if its answer is lost: the next attempt then knows the
    // target may already hold it (look it up, never create blindly). One row per key: a second create cannot claim it.
    await q.query(`
      CREATE TABLE destination_threads (
        destination_id uuid NOT NULL REFERENCES destinations(id) ON DELETE CASCADE,
        thread_key text NOT NULL,
        state text NOT NULL CHECK (state IN ('creating', 'open', 'closed')),
        external_id text,
        data jsonb NOT NULL DEFAULT '{}',
        delivery_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (destination_id, thread_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE destination_threads`);
  }
}
