import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

// pending → sending → delivered | failed (a retry is scheduled at nextAttemptAt) | dead (permanent failure, retries
// used up, or a send cut off mid-way whose outcome is unknown). A send cut off mid-way is sent once more as the same
// message (failed, due now) under DELIVERY_INTERRUPTED_POLICY=resend; dead under `hold` or when it happens again in
// the same round. Replay: delivered, failed or dead → pending. held: its destination is disabled; kept until it is
// enabled again, then pending (sent in the order written).
export const DELIVERY_STATUSES = ['pending', 'sending', 'delivered', 'failed', 'dead', 'held'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

@Entity('deliveries')
export class Delivery {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('uuid', { nullable: true }) customerId: string | null;
  @Column('text') destination: string; // the adapter's kind: 'email', …
  @Column('uuid', { nullable: true }) destinationId: string | null; // the configured destination; null: a customer's own recipients (payload.to)
  @Column('text') causeType: string; // 'rule.fired', 'security_event.created', …
  @Column('text') causeId: string;
  @Column('text') dedupeKey: string;
  @Column('jsonb') payload: Record<string, unknown>;
  @Column('text') status: DeliveryStatus;
  @Column('int') attempts: number;
  @Column('int') attemptBase: number;
  @Column('timestamptz') nextAttemptAt: Date;
  @Column('text', { nullable: true }) lastError: string | null;
  @Column('text', { nullable: true }) leaseOwner: string | null;
  @Column('timestamptz', { nullable: true }) leaseUntil: Date | null;
  @Column('text', { nullable: true }) replayRequestedBy: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
  @Column('timestamptz', { nullable: true }) deliveredAt: Date | null;
}
