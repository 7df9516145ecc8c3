import { MigrationInterface, QueryRunner } from 'typeorm';

// Channel template kinds (channel.security_event, channel.rule.fired, channel.digest.sent) keep their four plain-text
// parts in one jsonb column of the same versions table, so that they are versioned, published and rolled back as
// e-mail templates are; their subject, mjml and text stay ''. The immutability trigger now covers it too.
export class ChannelTemplates1764854000000 implements MigrationInterface {
  name = 'ChannelTemplates1764854000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE template_versions ADD COLUMN channel jsonb`);
    await q.query(`ALTER TABLE template_versions ADD CONSTRAINT template_versions_channel_object CHECK (channel IS NULL OR jsonb_typeof(channel) = 'object')`);
    await q.query(`
      CREATE OR REPLACE FUNCTION template_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (NEW.subject, NEW.mjml, NEW.text, NEW.channel, NEW.version, NEW.template_id, NEW.created_at, NEW.created_by) IS DISTINCT FROM
           (OLD.subject, OLD.mjml, OLD.text, OLD.channel, OLD.version, OLD.template_id, OLD.created_at, OLD.created_by) THEN
          RAISE EXCEPTION 'template versions are immutable';
        END IF;
        RETURN NEW;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM templates WHERE kind LIKE 'channel.%'`);
    await q.query(`
      CREATE OR REPLACE FUNCTION template_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (NEW.subject, NEW.mjml, NEW.text, NEW.version, NEW.template_id, NEW.created_at, NEW.created_by) IS DISTINCT FROM
           (OLD.subject, OLD.mjml, OLD.text, OLD.version, OLD.template_id, OLD.created_at, OLD.created_by) THEN
          RAISE EXCEPTION 'template versions are immutable';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`ALTER TABLE template_versions DROP COLUMN channel`);
  }
}
