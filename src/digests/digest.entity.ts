import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Cadence } from './digest-period';

// pending → rendered → sending → sent | failed | skipped; `unknown` = a send was cut off after the claim
// (crash, kill -9) and SMTP may or may not have accepted it. DIGEST_UNKNOWN_POLICY=resend sends such a row once more
// (sending → rendered, same Message-ID) before it would become `unknown`; `hold` leaves that to the operator.
export const DIGEST_STATUSES = ['pending', 'rendered', 'sending', 'sent', 'failed', 'skipped', 'unknown'] as const;
export type DigestStatus = (typeof DIGEST_STATUSES)[number];

// The figures the digest showed. threats = cleaned + outstanding (threats of the period, as /v1/stats counts them);
// events and detections count events (what the "What happened" table lists), not threats.
export interface DigestCounts {
  events: number;
  detections: number;
  threats: number;
  cleaned: number;
  outstanding: number;
  sites: number;
  sitesAffected: number;
  sitesCleanedThisMonth?: number; // in the calendar month of the period's end, the customer's time zone
  htmlBytes?: number;
  htmlPartBytes?: number; // the HTML part as sent (base64), kept under the clipping budget (digest-fit.ts)
}

@Entity('digests')
export class Digest {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('uuid') customerId: string;
  @Column('text') cadence: Cadence;
  @Column('timestamptz') periodStart: Date;
  @Column('timestamptz') periodEnd: Date;
  @Column('int') generation: number;
  @Column('uuid', { nullable: true }) resendOf: string | null;
  @Column('text') requestedBy: string;
  @Column('timestamptz') scheduledAt: Date;
  @Column('boolean') late: boolean;
  @Column('text') status: DigestStatus;
  @Column('int') attempts: number;
  @Column('int') interruptions: number; // sends of this row cut off after the claim (see DigestLedger.markInterrupted)
  @Column('text', { nullable: true }) lastError: string | null;
  @Column('text', { nullable: true }) failureKind: 'permanent' | 'transient' | null;
  @Column('text', { nullable: true }) messageId: string | null;
  @Column('timestamptz', { nullable: true }) sentAt: Date | null;
  @Column('text', { array: true }) recipients: string[];
  @Column('text', { array: true }) rejected: string[];
  @Column('text', { nullable: true }) subject: string | null;
  @Column('text', { nullable: true, select: false }) html: string | null;
  @Column('text', { nullable: true, select: false }) text: string | null;
  @Column('jsonb', { nullable: true }) counts: DigestCounts | null;
  @Column('text', { nullable: true }) templateKey: string | null;
  @Column('text', { nullable: true }) leaseOwner: string | null;
  @Column('timestamptz', { nullable: true }) leaseUntil: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
