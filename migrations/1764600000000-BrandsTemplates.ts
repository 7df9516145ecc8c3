import { MigrationInterface, QueryRunner } from 'typeorm';

export class BrandsTemplates1764600000000 implements MigrationInterface {
  name = 'BrandsTemplates1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE brands (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name text NOT NULL,
        is_default boolean NOT NULL DEFAULT false,
        version int NOT NULL DEFAULT 1,
        logo_url text,
        logo_width int NOT NULL DEFAULT 140 CHECK (logo_width BETWEEN 16 AND 300),
        primary_color text NOT NULL,
        accent_color text NOT NULL,
        sender_name text NOT NULL,
        sender_email text NOT NULL,
        reply_to text,
        footer_text text NOT NULL DEFAULT '',
        legal_text text NOT NULL DEFAULT '',
        support_url text NOT NULL DEFAULT '',
        support_email text,
        portal_url text NOT NULL DEFAULT '',
        public_base_url text NOT NULL,
        dkim_domain text,
        dkim_selector text,
        dkim_private_key text, -- SecretBox output, never the key itself
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- the target of the (organization_id, brand_id) foreign keys: a row can only name a brand of its own organization
        CONSTRAINT brands_org_id UNIQUE (organization_id, id)
      )`);
    await q.query(`CREATE INDEX brands_org_created ON brands (organization_id, created_at DESC, id DESC)`);
    // One default brand per organization; two requests creating it lazily at once settle on this index.
    await q.query(`CREATE UNIQUE INDEX brands_one_default ON brands (organization_id) WHERE is_default`);
    await q.query(`
      CREATE TABLE brand_logos (
        brand_id uuid PRIMARY KEY REFERENCES brands(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        content_type text NOT NULL,
        data bytea NOT NULL,
        sha256 text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // Customers created before brands existed may hold ids of nothing; they fall back to the default brand.
    await q.query(`UPDATE customers SET brand_id = NULL WHERE brand_id IS NOT NULL`);
    await q.query(`
      ALTER TABLE customers ADD CONSTRAINT customers_brand_fk
        FOREIGN KEY (organization_id, brand_id) REFERENCES brands (organization_id, id) ON DELETE RESTRICT`);
    await q.query(`CREATE INDEX customers_brand ON customers (brand_id) WHERE brand_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE templates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        brand_id uuid NOT NULL,
        kind text NOT NULL,
        published_version int NOT NULL,
        latest_version int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT templates_brand_kind UNIQUE (organization_id, brand_id, kind),
        CONSTRAINT templates_brand_fk FOREIGN KEY (organization_id, brand_id) REFERENCES brands (organization_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX templates_org_created ON templates (organization_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE template_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        template_id uuid NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        version int NOT NULL,
        subject text NOT NULL,
        mjml text NOT NULL,
        text text NOT NULL,
        note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        published_at timestamptz,
        published_by text,
        CONSTRAINT template_versions_number UNIQUE (template_id, version)
      )`);
    // A saved version is what was sent with it: its content never changes, only when it was last published.
    await q.query(`
      CREATE FUNCTION template_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (NEW.subject, NEW.mjml, NEW.text, NEW.version, NEW.template_id, NEW.created_at, NEW.created_by) IS DISTINCT FROM
           (OLD.subject, OLD.mjml, OLD.text, OLD.version, OLD.template_id, OLD.created_at, OLD.created_by) THEN
          RAISE EXCEPTION 'template versions are immutable';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER template_versions_immutable BEFORE UPDATE ON template_versions FOR EACH ROW EXECUTE FUNCTION template_versions_immutable()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE template_versions`);
    await q.query(`DROP FUNCTION template_versions_immutable`);
    await q.query(`DROP TABLE templates`);
    await q.query(`DROP INDEX customers_brand`);
    await q.query(`ALTER TABLE customers DROP CONSTRAINT customers_brand_fk`);
    await q.query(`DROP TABLE brand_logos`);
    await q.query(`DROP TABLE brands`);
  }
}
