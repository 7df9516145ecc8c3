import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { CustomersModule } from '../customers/customers.module';
import { DestinationsModule } from '../destinations/destinations.module';
import { DigestDataModule } from '../digests/digest-data.module';
import { TemplatesModule } from '../templates/templates.module';
import { EventsModule } from '../events/events.module';
import { ContactDeliveries } from './contact-deliveries';
import { DryRunService } from './dry-run.service';
import { FlushFiringJob } from './flush-firing.job';
import { RuleEvaluator } from './rule-evaluator';
import { ActionParams } from './action-params';
import { RuleFiredChannelText } from './rule-fired-channel-text';
import { RuleFiredComposer } from './rule-fired-composer';
import { RuleFiringWriter } from './rule-firing-writer';
import { RulesController } from './rules.controller';
import { RulesService } from './rules.service';
import { SiteStates } from './site-states';
import { ThresholdCounts } from './threshold-counts';
import { UrgentAlertMail } from './urgent-alert-mail';
import { UrgentKindsRule } from './urgent-kinds-rule';
import { StaleAgentsJob } from './stale-agents.job';
import { RunSchedulesJob } from './run-schedules.job';

// Rules: what turns events into actions (/v1/rules). Evaluated on the hook of new events (inside ingestion), written
// into the one delivery pipeline, whose content they compose (rule.fired).
@Module({
  imports: [DestinationsModule, DeliveriesModule, EventsModule, CustomersModule, DigestDataModule, TemplatesModule],
  controllers: [RulesController],
  providers: [SiteStates, ThresholdCounts, RulesService, DryRunService, RuleEvaluator, RuleFiringWriter, ContactDeliveries, FlushFiringJob, StaleAgentsJob, RunSchedulesJob, RuleFiredComposer, RuleFiredChannelText, ActionParams, UrgentAlertMail, UrgentKindsRule],
  exports: [RulesService],
})
export class RulesModule {}
