import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../api/pagination';
import { CADENCES, Cadence } from './digest-period';
import { Digest, DIGEST_STATUSES, DigestCounts, DigestStatus } from './digest.entity';

export class DigestQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ enum: DIGEST_STATUSES }) @IsOptional() @IsIn(DIGEST_STATUSES, { message: `status must be one of ${DIGEST_STATUSES.join(', ')}` })
  status?: DigestStatus;

  @ApiPropertyOptional({ enum: CADENCES }) @IsOptional() @IsIn(CADENCES, { message: `cadence must be one of ${CADENCES.join(', ')}` })
  cadence?: Cadence;

  @ApiPropertyOptional({ description: 'periods starting at or after this instant' }) @IsOptional() @IsDateString({}, { message: 'from must be an ISO 8601 date' })
  from?: string;

  @ApiPropertyOptional({ description: 'periods starting before this instant' }) @IsOptional() @IsDateString({}, { message: 'to must be an ISO 8601 date' })
  to?: string;
}

export class PreviewDigestDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID()
  customerId: string;

  @ApiPropertyOptional({ enum: CADENCES, description: "default: the customer's cadence, weekly when off" })
  @IsOptional() @IsIn(CADENCES, { message: `cadence must be one of ${CADENCES.join(', ')}` })
  cadence?: Cadence;

  @ApiPropertyOptional({ description: 'the period containing this instant; default: the last complete period' })
  @IsOptional() @IsDateString({}, { message: 'at must be an ISO 8601 date' })
  at?: string;
}

export class RunDigestsDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'only this customer (its last complete period, now); default: every due customer' })
  @IsOptional() @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ enum: CADENCES, description: "with customerId: the cadence to send; default the customer's" })
  @IsOptional() @IsIn(CADENCES, { message: `cadence must be one of ${CADENCES.join(', ')}` })
  cadence?: Cadence;
}

export class DigestView {
  @ApiProperty() id: string;
  @ApiProperty() customerId: string;
  @ApiProperty({ enum: CADENCES }) cadence: Cadence;
  @ApiProperty() periodStart: Date;
  @ApiProperty() periodEnd: Date;
  @ApiProperty({ description: '0 = the scheduled send; a resend is the next generation' }) generation: number;
  @ApiProperty({ type: String, nullable: true }) resendOf: string | null;
  @ApiProperty() requestedBy: string;
  @ApiProperty() scheduledAt: Date;
  @ApiProperty({ description: 'sent more than 15 minutes after its time (catch-up after downtime)' }) late: boolean;
  @ApiProperty({ enum: DIGEST_STATUSES }) status: DigestStatus;
  @ApiProperty() attempts: number;
  @ApiProperty({ description: 'sends of this row cut off after the claim (a crash mid-send); see DIGEST_UNKNOWN_POLICY' }) interruptions: number;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['permanent', 'transient'] }) failureKind: string | null;
  @ApiProperty({ type: String, nullable: true }) messageId: string | null;
  @ApiProperty({ type: String, nullable: true }) sentAt: Date | null;
  @ApiProperty({ type: [String] }) recipients: string[];
  @ApiProperty({ type: [String] }) rejected: string[];
  @ApiProperty({ type: String, nullable: true }) subject: string | null;
  @ApiProperty({ type: Object, nullable: true }) counts: DigestCounts | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static of(d: Digest): DigestView {
    return {
      id: d.id, customerId: d.customerId, cadence: d.cadence, periodStart: d.periodStart, periodEnd: d.periodEnd, generation: d.generation,
      resendOf: d.resendOf, requestedBy: d.requestedBy, scheduledAt: d.scheduledAt, late: d.late, status: d.status, attempts: d.attempts, interruptions: d.interruptions,
      lastError: d.lastError, failureKind: d.failureKind, messageId: d.messageId, sentAt: d.sentAt, recipients: d.recipients,
      rejected: d.rejected, subject: d.subject, counts: d.counts, createdAt: d.createdAt, updatedAt: d.updatedAt,
    };
  }
}

export class DigestDetailView extends DigestView {
  @ApiProperty({ type: String, nullable: true, description: 'as rendered (null before rendering or when skipped)' }) html: string | null;
  @ApiProperty({ type: String, nullable: true }) text: string | null;

  static detail(d: Digest): DigestDetailView {
    return { ...DigestView.of(d), html: d.html, text: d.text };
  }
}

export class DigestPage {
  @ApiProperty({ type: [DigestView] }) data: DigestView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class DigestPreviewView {
  @ApiProperty() subject: string;
  @ApiProperty() html: string;
  @ApiProperty() text: string;
  @ApiProperty({ enum: CADENCES }) cadence: Cadence;
  @ApiProperty() periodStart: Date;
  @ApiProperty() periodEnd: Date;
  @ApiProperty({ type: [String] }) recipients: string[];
  @ApiProperty({ type: Object }) counts: DigestCounts;
}

export class RunResultView {
  @ApiProperty() due: number;
  @ApiProperty({ description: 'sends queued now' }) queued: number;
  @ApiProperty({ description: 'periods that already had a ledger row (not sent again)' }) existing: number;
  @ApiProperty() late: number;
  @ApiProperty({ description: 'subscriptions whose customer changed time zone: next send recomputed in the new zone' }) rescheduled: number;
  @ApiProperty({ type: [DigestView], description: 'with customerId: its ledger row' }) digests: DigestView[];
}
