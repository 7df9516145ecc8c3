import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../api/pagination';
import { ATTEMPT_OUTCOMES, AttemptOutcome, DeliveryAttempt } from './delivery-attempt.entity';
import { Delivery, DELIVERY_STATUSES, DeliveryStatus } from './delivery.entity';

export class DeliveryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional() @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: DeliveryStatus;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ example: 'email', description: 'destination kind' }) @IsOptional() @IsString() @MaxLength(50)
  destination?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'a configured destination' }) @IsOptional() @IsUUID()
  destinationId?: string;

  @ApiPropertyOptional({ example: 'rule.fired' }) @IsOptional() @IsString() @MaxLength(100)
  causeType?: string;

  @ApiPropertyOptional({ description: 'e.g. the firing id of a rule.fired delivery' }) @IsOptional() @IsString() @MaxLength(100)
  causeId?: string;
}

export class DeliveryView {
  @ApiProperty() id: string;
  @ApiProperty({ type: String, nullable: true }) customerId: string | null;
  @ApiProperty({ example: 'email', description: 'the destination kind' }) destination: string;
  @ApiProperty({ type: String, nullable: true, description: "the configured destination (null: the customer's own recipients in the payload)" }) destinationId: string | null;
  @ApiProperty({ example: 'rule.fired' }) causeType: string;
  @ApiProperty() causeId: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: DeliveryStatus;
  @ApiProperty({ description: 'attempts made, replays included' }) attempts: number;
  @ApiProperty({ type: String, nullable: true, description: 'pending or failed: when the next attempt is due' }) nextAttemptAt: Date | null;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ type: Object, description: 'where to (e.g. {to: [...]}) and what the cause said when it happened' }) payload: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true, description: 'who asked for the latest replay' }) replayRequestedBy: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiProperty({ type: String, nullable: true }) deliveredAt: Date | null;

  static of(d: Delivery): DeliveryView {
    return {
      id: d.id, customerId: d.customerId, destination: d.destination, destinationId: d.destinationId, causeType: d.causeType, causeId: d.causeId, status: d.status,
      attempts: d.attempts, nextAttemptAt: ['pending', 'failed'].includes(d.status) ? d.nextAttemptAt : null, lastError: d.lastError,
      payload: d.payload, replayRequestedBy: d.replayRequestedBy, createdAt: d.createdAt, updatedAt: d.updatedAt, deliveredAt: d.deliveredAt,
    };
  }
}

export class AttemptView {
  @ApiProperty() attempt: number;
  @ApiProperty({ enum: ['initial', 'retry', 'replay'] }) trigger: string;
  @ApiProperty({ type: String, nullable: true }) requestedBy: string | null;
  @ApiProperty() startedAt: Date;
  @ApiProperty({ type: String, nullable: true }) finishedAt: Date | null;
  @ApiProperty({ type: Number, nullable: true }) durationMs: number | null;
  @ApiProperty({ enum: ATTEMPT_OUTCOMES, nullable: true, description: 'null while the attempt runs' }) outcome: AttemptOutcome | null;
  @ApiProperty({ type: Object, nullable: true, description: 'what was sent: recipients, subject, ids (never credentials)' }) request: Record<string, unknown> | null;
  @ApiProperty({ type: Object, nullable: true, description: "the target's answer, e.g. the SMTP Message-ID and reply" }) response: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;

  static of(a: DeliveryAttempt): AttemptView {
    return {
      attempt: a.attempt, trigger: a.trigger, requestedBy: a.requestedBy, startedAt: a.startedAt, finishedAt: a.finishedAt,
      durationMs: a.durationMs, outcome: a.outcome, request: a.request, response: a.response, error: a.error,
    };
  }
}

export class DeliveryDetailView extends DeliveryView {
  @ApiProperty({ type: [AttemptView], description: 'every attempt, first first' }) attemptLog: AttemptView[];
}

export class DeliveryPage {
  @ApiProperty({ type: [DeliveryView] }) data: DeliveryView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
