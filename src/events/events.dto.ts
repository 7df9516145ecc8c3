import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';
import { PageQuery } from '../api/pagination';
import { EVENT_KINDS, SEVERITIES } from './normalized-event';
import { SecurityEvent } from './event.entity';

const describeJson = (v: unknown) => (v === null ? 'null' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);
const csv = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : value);

export class EventQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() customerId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() siteId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() vendorAccountId?: string;
  @ApiPropertyOptional({ description: "e.g. 'push:imunify360' or 'va:<vendor account id>'" }) @IsOptional() @IsString() source?: string;
  @ApiPropertyOptional({ description: 'comma-separated', enum: EVENT_KINDS, isArray: true })
  @IsOptional() @Transform(csv) @IsArray() @IsIn(EVENT_KINDS, { each: true, message: `kind must be among ${EVENT_KINDS.join(', ')}` })
  kind?: string[];
  @ApiPropertyOptional({ description: 'comma-separated', enum: SEVERITIES, isArray: true })
  @IsOptional() @Transform(csv) @IsArray() @IsIn(SEVERITIES, { each: true, message: `severity must be among ${SEVERITIES.join(', ')}` })
  severity?: string[];
  @ApiPropertyOptional({ enum: SEVERITIES, description: 'this severity or higher' })
  @IsOptional() @IsIn(SEVERITIES) minSeverity?: string;
  @ApiPropertyOptional({ description: 'occurred at or after (ISO-8601)' }) @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional({ description: 'occurred before (ISO-8601)' }) @IsOptional() @IsISO8601() to?: string;
  @ApiPropertyOptional({ description: 'only events not matched to a customer' })
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  unmatched?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() server?: string;
}

export class EventView {
  @ApiProperty() id: string;
  @ApiProperty() source: string;
  @ApiPropertyOptional({ nullable: true, type: String }) vendorAccountId: string | null;
  @ApiProperty() externalId: string;
  @ApiProperty({ enum: EVENT_KINDS }) kind: string;
  @ApiProperty({ description: "the vendor's own type or status" }) vendorType: string;
  @ApiPropertyOptional({ nullable: true, type: String }) classification: string | null;
  @ApiPropertyOptional({ nullable: true, enum: SEVERITIES }) severity: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) server: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) accountUser: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) domain: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) vendorSiteId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) filePath: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) fileHash: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) process: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) threatName: string | null;
  @ApiProperty() occurredAt: Date;
  @ApiProperty() receivedAt: Date;
  @ApiPropertyOptional({ nullable: true, type: String }) customerId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) siteId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, enum: ['vendor_site_id', 'domain', 'www', 'subdomain', 'server_account'] }) matchRule: string | null;

  static of(e: SecurityEvent): EventView {
    return {
      id: e.id, source: e.source, vendorAccountId: e.vendorAccountId, externalId: e.externalId, kind: e.kind, vendorType: e.vendorType,
      classification: e.classification, severity: e.severity, server: e.server, accountUser: e.accountUser, domain: e.domain,
      vendorSiteId: e.vendorSiteId, filePath: e.filePath, fileHash: e.fileHash, process: e.process, threatName: e.threatName,
      occurredAt: e.occurredAt, receivedAt: e.receivedAt, customerId: e.customerId, siteId: e.siteId, matchRule: e.matchRule,
    };
  }
}

export class EventDetailView extends EventView {
  @ApiProperty({ description: 'the record as the vendor or pusher sent it' }) raw: unknown;
}

export class EventPage {
  @ApiProperty({ type: [EventView] }) data: EventView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class PushEventsDto {
  @ApiProperty({
    description: 'Up to 1,000 events. Each: source, externalId, kind, occurredAt (required); severity, classification, server, accountUser, domain, vendorSiteId, filePath, fileHash, process, threatName, vendorType, raw (optional). Items are validated one by one.',
    type: 'array',
    items: { type: 'object' },
  })
  // Listed so that the first failing check is the one that says what is wrong (class-validator runs them bottom-up).
  @ArrayMaxSize(1000, { message: ({ value }) => `at most 1,000 events per request (got ${(value as unknown[]).length})` })
  @ArrayMinSize(1, { message: 'events is empty: send 1 to 1,000 events' })
  @IsArray({ message: ({ value }) => `events must be an array of event objects, not ${describeJson(value)}` })
  @IsDefined({ message: 'events is missing: the body must be {"events": [ ... ]} with 1 to 1,000 events' })
  events: unknown[];
}

export class PushItemResult {
  @ApiProperty() index: number;
  @ApiProperty({ enum: ['created', 'duplicate', 'rejected'] }) status: 'created' | 'duplicate' | 'rejected';
  @ApiPropertyOptional() id?: string;
  @ApiPropertyOptional() field?: string;
  @ApiPropertyOptional() reason?: string;
}

export class PushResultView {
  @ApiProperty() created: number;
  @ApiProperty() duplicates: number;
  @ApiProperty() rejected: number;
  @ApiProperty({ type: [PushItemResult] }) results: PushItemResult[];
}

export class StatsQuery {
  @ApiPropertyOptional({ enum: ['customer', 'site'], default: 'customer' }) @IsOptional() @IsIn(['customer', 'site']) groupBy?: 'customer' | 'site';
  @ApiPropertyOptional() @IsOptional() @IsUUID() customerId?: string;
  @ApiPropertyOptional({ description: "default: start of the calendar month that holds `to`, in the customer's time zone with customerId, else UTC" }) @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional({ description: 'default: now' }) @IsOptional() @IsISO8601() to?: string;
  @ApiPropertyOptional({ default: 100, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class StatsThreats {
  @ApiProperty({ description: 'threats of the range: a file path, process or threat name on a site with an event in it (= cleaned + outstanding), as a digest\'s headline counts them' }) total: number;
  @ApiProperty({ description: 'of those, cleaned, quarantined, deleted, stopped or blocked by their last event in the range' }) cleaned: number;
  @ApiProperty({ description: 'of those, still open after their last event in the range (a detection or a restore)' }) outstanding: number;
}

export class StatsRow {
  @ApiPropertyOptional({ nullable: true, type: String }) customerId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) siteId?: string | null;
  @ApiProperty({ description: 'event counts by kind', example: { detection: 12, cleanup: 9 } }) counts: Record<string, number>;
  @ApiProperty() total: number;
  @ApiProperty({ type: StatsThreats }) threats: StatsThreats;
  @ApiProperty({ description: 'distinct sites with a threat cleaned, quarantined, deleted, stopped or blocked in the range' }) sitesCleaned: number;
}

export class StatsView {
  @ApiProperty() from: Date;
  @ApiProperty() to: Date;
  @ApiProperty({ description: "distinct sites cleaned in the calendar month that holds `to`, each customer's month in its own time zone, for the same scope" }) sitesCleanedThisMonth: number;
  @ApiProperty({ type: [StatsRow] }) rows: StatsRow[];
}
