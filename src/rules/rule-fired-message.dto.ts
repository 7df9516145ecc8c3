import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// The rule.fired webhook body, for the OpenAPI document (components.schemas.RuleFiredMessage).
class RuleRef {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
}

class FiredEvent {
  @ApiProperty() id: string;
  @ApiProperty() kind: string;
  @ApiProperty({ type: String, nullable: true }) severity: string | null;
  @ApiProperty({ type: String, nullable: true }) threatName: string | null;
  @ApiProperty({ type: String, nullable: true }) filePath: string | null;
  @ApiProperty({ type: String, nullable: true }) process: string | null;
  @ApiProperty({ type: String, nullable: true }) server: string | null;
  @ApiProperty({ type: String, nullable: true }) domain: string | null;
  @ApiProperty({ type: String, nullable: true }) siteId: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
}

class FiredCustomer {
  @ApiProperty() id: string;
  @ApiProperty({ type: String, nullable: true }) externalRef: string | null;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String] }) emails: string[];
  @ApiProperty({ type: [String], description: "its sites' domains (up to 20)" }) domains: string[];
}

class RuleFiredData {
  @ApiProperty({ type: RuleRef }) rule: RuleRef;
  @ApiProperty({ enum: ['event', 'threshold', 'transition', 'schedule'] }) trigger: string;
  @ApiProperty({ type: Object, description: "the action's params, strings rendered for this firing (Handlebars over the trigger's variables)" }) params: Record<string, unknown>;
  @ApiProperty() firingId: string;
  @ApiProperty({ description: "a customer, site or server id, or 'organization'" }) group: string;
  @ApiProperty({ description: 'the incident; a recovery names the one it closes' }) incident: string;
  @ApiProperty({ format: 'date-time' }) firedAt: string;
  @ApiProperty({ type: FiredCustomer, nullable: true }) customer: FiredCustomer | null;
  @ApiProperty({ description: 'matches the cooldown held back before this firing' }) suppressed: number;
  @ApiProperty() eventCount: number;
  @ApiProperty({ type: [FiredEvent], description: 'up to 50' }) events: FiredEvent[];
  @ApiProperty({ description: 'events beyond those listed' }) more: number;
  @ApiPropertyOptional({ description: 'threshold' }) count?: number;
  @ApiPropertyOptional({ description: 'threshold' }) threshold?: number;
  @ApiPropertyOptional({ description: 'threshold' }) windowSeconds?: number;
  @ApiPropertyOptional({ enum: ['infection', 'protection', 'agent'], description: 'transition' }) state?: string;
  @ApiPropertyOptional({ description: 'transition: the state left' }) from?: string;
  @ApiPropertyOptional({ description: 'transition: the state reached' }) to?: string;
  @ApiPropertyOptional({ description: 'transition: whether it opens the incident (absent on an update)' }) opens?: boolean;
  @ApiPropertyOptional({ description: 'transition with updates: a later firing of the incident still open (from = to); a ticket gets a reply, a paging alert is re-triggered under the same key' }) update?: boolean;
  @ApiPropertyOptional({ type: Object, description: 'schedule: {from, to, timeZone}' }) period?: Record<string, string>;
  @ApiPropertyOptional({ type: Object, description: 'schedule: the period\'s counters' }) counters?: Record<string, number>;
  @ApiPropertyOptional({ description: 'several firings held by quiet hours, in `firings` (each shaped like this object)' }) heldByQuietHours?: boolean;
}

export class RuleFiredMessage {
  @ApiProperty({ enum: ['rule.fired'] }) type: string;
  @ApiProperty({ format: 'date-time', description: 'when it was sent' }) timestamp: string;
  @ApiProperty({ type: RuleFiredData }) data: RuleFiredData;
}
