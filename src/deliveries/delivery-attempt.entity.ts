import { Column, Entity, PrimaryColumn } from 'typeorm';

export const ATTEMPT_OUTCOMES = ['delivered', 'transient_error', 'permanent_error', 'interrupted'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];
export type AttemptTrigger = 'initial' | 'retry' | 'replay';

@Entity('delivery_attempts')
export class DeliveryAttempt {
  @PrimaryColumn('bigint') id: string;
  @Column('uuid') deliveryId: string;
  @Column('uuid') organizationId: string;
  @Column('int') attempt: number;
  @Column('text') trigger: AttemptTrigger;
  @Column('text', { nullable: true }) requestedBy: string | null;
  @Column('timestamptz') startedAt: Date;
  @Column('timestamptz', { nullable: true }) finishedAt: Date | null;
  @Column('int', { nullable: true }) durationMs: number | null;
  @Column('text', { nullable: true }) outcome: AttemptOutcome | null; // null while the attempt runs
  @Column('jsonb', { nullable: true }) request: Record<string, unknown> | null;
  @Column('jsonb', { nullable: true }) response: Record<string, unknown> | null;
  @Column('text', { nullable: true }) error: string | null;
}
