import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { VENDOR_ACCOUNT_STATUSES } from './vendor-account.entity';
import { POLL_OUTCOMES } from './poll-outcome';

export class VendorHealthQuery {
  @ApiPropertyOptional({ default: 0, description: 'answer 503 only when an account has been failing at least this long (seconds); shorter failures are still listed' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(365 * 24 * 3600)
  minFailingSeconds?: number;
}

export class FailingAccountView {
  @ApiProperty() id: string;
  @ApiProperty() organizationId: string;
  @ApiProperty() vendor: string;
  @ApiProperty({ enum: ['retrying', 'failing'], description: 'retrying: backing off after 5xx, timeouts or 429; failing: credentials or settings need fixing' }) status: string;
  @ApiPropertyOptional({ nullable: true, type: String, enum: POLL_OUTCOMES.filter((o) => o !== 'ok') }) lastErrorCode: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'the first failed run since the last successful one' }) failingSince: string | null;
  @ApiProperty() failingForSeconds: number;
  @ApiProperty() consecutiveFailures: number;
  @ApiPropertyOptional({ nullable: true, type: String }) lastSuccessAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'null: never polled successfully' }) secondsSinceLastSuccess: number | null;
  @ApiProperty() nextPollAt: string;
}

export class VendorHealthView {
  @ApiProperty({ enum: ['ok', 'failing'] }) status: string;
  @ApiProperty() checkedAt: string;
  @ApiProperty() minFailingSeconds: number;
  @ApiProperty({ description: 'vendor accounts by status', example: Object.fromEntries(VENDOR_ACCOUNT_STATUSES.map((s) => [s, 0])) }) accounts: Record<string, number>;
  @ApiProperty({ type: [FailingAccountView], description: 'enabled accounts in retrying or failing, longest failing first (at most 100)' }) failing: FailingAccountView[];
  @ApiProperty() failingListed: number;
  @ApiProperty() failingTotal: number;
}
