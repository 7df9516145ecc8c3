import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { CustomersModule } from '../customers/customers.module';
import { DigestDataModule } from '../digests/digest-data.module';
import { MailModule } from '../mail/mail.module';
import { TemplateAuthors } from './template-authors';
import { TemplateKindsController } from './template-kinds.controller';
import { TemplatePreviewService } from './template-preview.service';
import { TemplateRenderer } from './template-renderer';
import { TemplateWorkers } from './template-workers';
import { TemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';

// Versioned templates per brand and the one TemplateRenderer, so that every sender shares its compile cache; the
// worker threads (TemplateWorkers) that compile and render what operators write.
@Module({
  imports: [BrandsModule, CustomersModule, DigestDataModule, MailModule],
  controllers: [TemplatesController, TemplateKindsController],
  providers: [{ provide: TemplateRenderer, useFactory: () => new TemplateRenderer() }, TemplateWorkers, TemplatesService, TemplatePreviewService, TemplateAuthors],
  exports: [BrandsModule, TemplatesService, TemplateRenderer],
})
export class TemplatesModule {}
