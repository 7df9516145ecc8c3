import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { CustomersModule } from '../customers/customers.module';
import { MailModule } from '../mail/mail.module';
import { ChannelKindNames } from './channel-kind-names';
import { ChannelTemplates } from './channel-templates';
import { PreviewDataSources } from './preview-data';
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
  imports: [BrandsModule, CustomersModule, MailModule],
  controllers: [TemplatesController, TemplateKindsController],
  providers: [{ provide: TemplateRenderer, useFactory: () => new TemplateRenderer() }, TemplateWorkers, TemplatesService, TemplatePreviewService, TemplateAuthors, PreviewDataSources, ChannelTemplates, ChannelKindNames],
  exports: [BrandsModule, TemplatesService, TemplateRenderer, PreviewDataSources, ChannelTemplates, ChannelKindNames],
})
export class TemplatesModule {}
