import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUrl, Length, Max, Min } from 'class-validator';
import { VENDOR_ACCOUNT_STATUSES, VendorAccount } from './vendor-account.entity';

export const VENDORS = ['monarx', 'simulator'] as const;

export class CreateVendorAccountDto {
  @ApiProperty({ enum: VENDORS }) @IsIn(VENDORS, { message: `vendor must be one of ${VENDORS.join(', ')}` }) vendor: string;
  @ApiProperty({ example: 'Monarx (EU servers)' }) @IsString() @Length(1, 200) name: string;
  @ApiPropertyOptional({ example: 'https://api.monarx.com/v1', description: 'default: the vendor’s public API' })
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'baseUrl must be an http(s) URL' })
  baseUrl?: string;
  @ApiPropertyOptional({ example: { enterpriseId: '12345', overlapSeconds: 600 }, description: 'Monarx: enterpriseId (required), overlapSeconds, pageSize, apiShape (path/field name overrides)' })
  @IsOptional() @IsObject() settings?: Record<string, unknown>;
  @ApiPropertyOptional({ example: { apiId: 'env:MONARX_API_ID', apiSecret: 's3cret' }, description: 'Monarx: apiId, apiSecret. Stored encrypted; "env:NAME" keeps the value in the environment only (an admin key, and a name the operator granted to the organization in ENV_REFERENCE_GRANTS).' })
  @IsOptional() @IsObject() credentials?: Record<string, string>;
  @ApiPropertyOptional({ default: 300, minimum: 60 }) @IsOptional() @IsInt() @Min(1) @Max(86_400) pollIntervalSeconds?: number;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ description: 'first poll starts here (ISO-8601); default: the connector’s own (Monarx: 30 days back)' })
  @IsOptional() @IsISO8601() backfillFrom?: string;
  @ApiPropertyOptional({ description: 'how often a reconciliation pass re-reads the recent window for records that appeared late (default: RECONCILE_INTERVAL_SECONDS, 6 h)' })
  @IsOptional() @IsInt() @Min(1) @Max(2_592_000) reconcileIntervalSeconds?: number;
  @ApiPropertyOptional({ description: 'how far back a reconciliation pass reads (default: RECONCILE_WINDOW_SECONDS, 7 days)' })
  @IsOptional() @IsInt() @Min(60) @Max(31_536_000) reconcileWindowSeconds?: number;
}

export class UpdateVendorAccountDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'baseUrl must be an http(s) URL' }) baseUrl?: string;
  @ApiPropertyOptional() @IsOptional() @IsObject() settings?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'replaces the named credentials; others are kept' }) @IsOptional() @IsObject() credentials?: Record<string, string>;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(86_400) pollIntervalSeconds?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsISO8601() backfillFrom?: string;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'null: back to the default' }) @IsOptional() @IsInt() @Min(1) @Max(2_592_000) reconcileIntervalSeconds?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'null: back to the default' }) @IsOptional() @IsInt() @Min(60) @Max(31_536_000) reconcileWindowSeconds?: number | null;
}

export class VendorAccountView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: VENDORS }) vendor: string;
  @ApiProperty() name: string;
  @ApiPropertyOptional({ nullable: true, type: String }) baseUrl: string | null;
  @ApiProperty() settings: Record<string, unknown>;
  @ApiProperty({ description: 'which credentials are set: "encrypted" or the env:NAME reference; never the values', example: { apiId: 'encrypted', apiSecret: 'env:MONARX_SECRET' } })
  credentials: Record<string, string | null>;
  @ApiProperty() pollIntervalSeconds: number;
  @ApiProperty() enabled: boolean;
  @ApiPropertyOptional({ nullable: true, type: Date }) backfillFrom: Date | null;
  @ApiProperty({ enum: VENDOR_ACCOUNT_STATUSES }) status: string;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastSuccessAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastAttemptAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lastError: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastErrorAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String, enum: ['rate_limited', 'vendor_error', 'timeout', 'auth_failed', 'contract_error', 'internal_error'], description: 'the class of the last error (as in /health/vendors and the metrics)' })
  lastErrorCode: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'the first failed run since the last successful one (null: not failing)' }) failingSince: Date | null;
  @ApiProperty() consecutiveFailures: number;
  @ApiProperty() eventsIngested: number;
  @ApiProperty() recordsRejected: number;
  @ApiPropertyOptional({ nullable: true, description: 'where the next poll resumes (per resource high-water marks)' }) cursor: unknown;
  @ApiProperty() nextPollAt: Date;
  @ApiProperty({ type: () => ReconciliationView, nullable: true, description: 'the periodic re-read of the recent window that stores records which appeared after the poll had passed their time (null: this vendor never needs it)' })
  reconciliation: ReconciliationView | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static of(a: VendorAccount, describe: (stored: string) => string | null, reconciliation: ReconciliationView | null = null): VendorAccountView {
    return {
      id: a.id, vendor: a.vendor, name: a.name, baseUrl: a.baseUrl, settings: a.settings,
      credentials: Object.fromEntries(Object.entries(a.credentials).map(([k, v]) => [k, describe(v)])),
      pollIntervalSeconds: a.pollIntervalSeconds, enabled: a.enabled, backfillFrom: a.backfillFrom, status: a.status,
      lastSuccessAt: a.lastSuccessAt, lastAttemptAt: a.lastAttemptAt, lastError: a.lastError, lastErrorAt: a.lastErrorAt,
      lastErrorCode: a.lastErrorCode, failingSince: a.status === 'retrying' || a.status === 'failing' ? a.failingSince : null,
      consecutiveFailures: a.consecutiveFailures, eventsIngested: Number(a.eventsIngested), recordsRejected: Number(a.recordsRejected),
      cursor: a.cursor, nextPollAt: a.nextPollAt, reconciliation, createdAt: a.createdAt, updatedAt: a.updatedAt,
    };
  }
}

export class ReconciliationView {
  @ApiProperty() intervalSeconds: number;
  @ApiProperty() windowSeconds: number;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'when the last pass finished' }) lastRunAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'events the last pass stored that the incremental poll had missed' }) lastMissedEvents: number | null;
  @ApiProperty({ description: 'a pass is under way (it resumes in the next poll run)' }) inProgress: boolean;
  @ApiProperty({ description: 'when the next pass is due (it runs with the first poll after that)' }) nextRunAt: Date;

  static of(a: VendorAccount, settings: { intervalSeconds: number; windowSeconds: number }): ReconciliationView {
    return {
      intervalSeconds: settings.intervalSeconds, windowSeconds: settings.windowSeconds,
      lastRunAt: a.lastReconciledAt, lastMissedEvents: a.lastReconcileMissed, inProgress: a.reconcileCursor !== null, nextRunAt: a.nextReconcileAt,
    };
  }
}

export class VendorAccountPage {
  @ApiProperty({ type: [VendorAccountView] }) data: VendorAccountView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class SyncResultView {
  @ApiProperty({ description: 'a poll runs now: queued, or the one already queued brought forward (false: the account is disabled)' }) queued: boolean;
}

export class TestResultView {
  @ApiProperty() ok: boolean;
  @ApiProperty() message: string;
}
