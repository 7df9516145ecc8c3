import { MigrationInterface, QueryRunner } from 'typeorm';

export class BrandLocalizedText1764808000000 implements MigrationInterface {
  name = 'BrandLocalizedText1764808000000';

  async up(q: QueryRunner): Promise<void> {
    // A brand's footer and legal text per locale ({"de": {"footerText": "…", "legalText": "…"}, …}); a customer's
    // mail uses its locale's, else its language's, else the brand's footerText / legalText.
    await q.query(`ALTER TABLE brands ADD COLUMN localized jsonb NOT NULL DEFAULT '{}'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE brands DROP COLUMN localized`);
  }
}
