import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { MailModule } from '../mail/mail.module';
import { TemplatesModule } from '../templates/templates.module';
import { DigestDataModule } from './digest-data.module';
import { ScheduleDigestsJob, SendDigestJob } from './digest-job-handlers';
import { DigestBrands } from './digest-brands';
import { DigestJobs } from './digest-jobs';
import { DigestLedger } from './digest-ledger';
import { DigestMetrics } from './digest-metrics';
import { DigestPreparer } from './digest-preparer';
import { DigestPreviewData } from './digest-preview-data';
import { DigestRenderer } from './digest-renderer';
import { DigestScheduler } from './digest-scheduler';
import { DigestSender } from './digest-sender';
import { DigestSentHooks } from './digest-sent-hooks';
import { DigestSettingsController, DigestsController } from './digests.controller';
import { DigestsService } from './digests.service';
import { UnsubscribeController } from './unsubscribe.controller';
import { UnsubscribeService } from './unsubscribe.service';

// Per-customer digests: settings, the ledger that makes each period's email exactly-once, the scheduler, the send
// job, the operator API, the public preferences / one-click unsubscribe page, and real data for template previews.
@Module({
  imports: [DigestDataModule, BrandsModule, MailModule, TemplatesModule],
  controllers: [DigestsController, DigestSettingsController, UnsubscribeController],
  providers: [DigestBrands, DigestPreparer, DigestJobs, DigestLedger, DigestRenderer, DigestScheduler, DigestSender, DigestsService, UnsubscribeService, SendDigestJob, ScheduleDigestsJob, DigestMetrics, DigestPreviewData, DigestSentHooks],
  exports: [DigestDataModule, DigestSentHooks],
})
export class DigestsModule {}
