import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../api/pagination';
import type { FiringRow } from './rules.service';
import { RuleRow } from './rule.entity';

// The body is checked whole by rule-check.ts (nested, per trigger type), so the DTO only lets the fields through and documents them.
const TRIGGER_DOC = `one of
 {type:'event', filter?}
 {type:'threshold', filter?, count, windowSeconds, groupBy: customer|site|server|organization}
 {type:'transition', state: infection|protection|agent, to?: [states], rollup?: site|customer, staleHours (agent), updates? (default false: while an incident is open, further matching events that leave the state as it is fire as updates of it, grouped by groupWindowSeconds, held by the cooldown; data {update: true})}
 {type:'schedule', cron, timeZone? (default: the customer's), perCustomer? (default true)}
filter: {kinds?, minSeverity?, classifications?, threatName? (glob), customerIds?, siteIds?, brandIds?, servers?, vendorAccountIds?, sources?, urgentKindsOfCustomer? (true: kinds the event's customer marked urgent)}`;

export class RuleBodyDto {
  @ApiPropertyOptional({ example: 'Ticket: malicious process killed' }) @IsOptional() @Allow() name?: string;
  @ApiPropertyOptional({ type: Object, description: TRIGGER_DOC, example: { type: 'threshold', filter: { kinds: ['cleanup'] }, count: 10, windowSeconds: 2592000, groupBy: 'customer' } })
  @IsOptional() @Allow() trigger?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [Object], description: '[{destinationId | contactGroupId | contacts: \'customer\' | recipients: \'customer\', templateKind?, params?}]: a destination; a contact group (each enabled member\'s enabled channels, each its own delivery, held by that member\'s quiet hours); the firing\'s customer\'s contacts; or the firing customer\'s own e-mail recipients (digest recipients, else the customer\'s addresses; templateKind rule.fired or alert.urgent (event trigger, groupWindowSeconds 0)). params are the destination kind\'s operation (whmcs: {operation: OpenTicket|AddClientNote|AddBillableItem|TriggerNotificationEvent|SendEmail, ...}; blesta: {operation: ticket|note|invoice, ...}; helpdesks: {subject, body, ...}; see README "Billing actions" and "Helpdesks"); params strings are Handlebars over the trigger\'s variables, rendered per firing' })
  @IsOptional() @Allow() actions?: Record<string, unknown>[];
  @ApiPropertyOptional({ default: 0, description: 'per rule and group: repeats within it are suppressed and counted on the next firing' }) @IsOptional() @Allow() cooldownSeconds?: number;
  @ApiPropertyOptional({ default: 60, description: 'firings of one rule and group within it become one delivery (0: none)' }) @IsOptional() @Allow() groupWindowSeconds?: number;
  @ApiPropertyOptional({ default: '{rule}:{group}:{incident}' }) @IsOptional() @Allow() dedupeKey?: string;
  @ApiPropertyOptional({ type: Object, nullable: true, example: { start: '22:00', end: '07:00', bypassSeverity: 'critical' } }) @IsOptional() @Allow() quietHours?: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: Object, description: '{brandIds?, customerIds?}; default: the whole organization' }) @IsOptional() @Allow() scope?: Record<string, unknown>;
  @ApiPropertyOptional({ default: true }) @IsOptional() @Allow() enabled?: boolean;
}

export class CreateRuleDto extends RuleBodyDto {
  @ApiPropertyOptional({ description: 'a preset id (GET /v1/rule-presets); the other fields override it' }) @IsOptional() @Allow() preset?: string;
}

export class RuleQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'] }) @IsOptional() @IsIn(['true', 'false']) enabled?: string;
  @ApiPropertyOptional({ enum: ['event', 'threshold', 'transition', 'schedule'] }) @IsOptional() @IsIn(['event', 'threshold', 'transition', 'schedule']) triggerType?: string;
}

export class RuleView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ type: Object }) trigger: Record<string, unknown>;
  @ApiProperty({ type: [Object] }) actions: Record<string, unknown>[];
  @ApiProperty() cooldownSeconds: number;
  @ApiProperty() groupWindowSeconds: number;
  @ApiProperty() dedupeKey: string;
  @ApiProperty({ type: Object, nullable: true }) quietHours: Record<string, unknown> | null;
  @ApiProperty({ type: Object }) scope: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true }) preset: string | null;
  @ApiProperty({ type: String, nullable: true, description: "kept by the service for a setting, read-only: 'urgent-kinds' serves the customers' urgentKinds" }) managed: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static of(r: RuleRow): RuleView {
    return {
      id: r.id, name: r.name, enabled: r.enabled, trigger: r.trigger as unknown as Record<string, unknown>, actions: r.actions as unknown as Record<string, unknown>[],
      cooldownSeconds: r.cooldownSeconds, groupWindowSeconds: r.groupWindowSeconds, dedupeKey: r.dedupeKey,
      quietHours: r.quietHours as unknown as Record<string, unknown> | null, scope: r.scope as Record<string, unknown>, preset: r.preset, managed: r.managed ?? null,
      createdAt: r.createdAt, updatedAt: r.updatedAt,
    };
  }
}

export class RulePage {
  @ApiProperty({ type: [RuleView] }) data: RuleView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class FiringView {
  @ApiProperty() id: string;
  @ApiProperty({ description: "the group: a customer, site or server id, or 'organization'" }) groupKey: string;
  @ApiProperty({ type: String, nullable: true }) customerId: string | null;
  @ApiProperty() incident: string;
  @ApiProperty() dedupeKey: string;
  @ApiProperty({ enum: ['collecting', 'held', 'sent'] }) status: string;
  @ApiProperty() firstAt: Date;
  @ApiProperty({ description: 'when it goes (went) out: the end of its group window or of quiet hours' }) sendAt: Date;
  @ApiProperty({ type: String, nullable: true }) sentAt: Date | null;
  @ApiProperty() eventCount: number;
  @ApiProperty({ type: [String], description: 'the first 50' }) eventIds: string[];
  @ApiProperty({ description: 'matches the cooldown held back before this firing' }) suppressed: number;
  @ApiProperty({ type: Object }) data: Record<string, unknown>;
  @ApiProperty({ type: [Object] }) deliveries: FiringRow['deliveries'];
}

export class FiringPage {
  @ApiProperty({ type: [FiringView] }) data: FiringView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class RulePresetView {
  @ApiProperty() id: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: Object, description: 'the rule body it starts from (add actions)' }) body: Record<string, unknown>;
}

export class RulePresetPage {
  @ApiProperty({ type: [RulePresetView] }) data: RulePresetView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: null;
}

export class DryRunDto {
  @ApiPropertyOptional({ type: Object, description: 'an unsaved rule (actions may be left out); or ruleId' }) @IsOptional() @Allow() rule?: Record<string, unknown>;
  @ApiPropertyOptional({ format: 'uuid', description: 'a saved rule' }) @IsOptional() @Allow() ruleId?: string;
  @ApiProperty({ example: '2026-11-01T00:00:00Z' }) @Allow() from: string;
  @ApiProperty({ example: '2026-12-01T00:00:00Z', description: 'exclusive; at most 92 days after from' }) @Allow() to: string;
}

export class DryRunFiringView {
  @ApiProperty() group: string;
  @ApiProperty() at: string;
  @ApiProperty({ description: 'the end of its group window, or the firing itself' }) sendAt: string;
  @ApiProperty({ type: String, nullable: true, description: 'quiet hours would have held it until then' }) heldUntil: string | null;
  @ApiProperty() incident: string;
  @ApiProperty() eventCount: number;
  @ApiProperty({ type: [String] }) eventIds: string[];
  @ApiProperty() more: number;
  @ApiProperty() suppressed: number;
  @ApiProperty({ type: Object }) data: Record<string, unknown>;
}

export class DryRunView {
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ description: 'matching events replayed' }) scanned: number;
  @ApiProperty({ type: [DryRunFiringView] }) firings: DryRunFiringView[];
  @ApiProperty({ description: 'matches a cooldown would have suppressed' }) suppressed: number;
  @ApiProperty({ description: 'firings quiet hours would have held' }) held: number;
  @ApiProperty({
    type: [Object],
    description: "the rule's contact actions expanded as they stand now: [{action (index), contactGroupId | contacts: 'customer', channels: [{destinationId, kind, name, contactId, customerId}]}]; for contacts: 'customer', the contacts of the customers the firings were grouped by (a customer or a site's customer); a customer's contact hears of its own customer only",
  })
  contactTargets: object[];
  @ApiProperty() tookMs: number;
}
