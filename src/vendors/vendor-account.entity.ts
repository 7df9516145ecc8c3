import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { PollCursor } from './vendor-connector';

// pending: never polled · ok · retrying: transient failures, backing off · failing: credentials or settings are
// wrong; polled only rarely until the operator fixes them · disabled
export const VENDOR_ACCOUNT_STATUSES = ['pending', 'ok', 'retrying', 'failing', 'disabled'] as const;
export type VendorAccountStatus = (typeof VENDOR_ACCOUNT_STATUSES)[number];

@Entity('vendor_accounts')
export class VendorAccount {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('text') vendor: string;
  @Column('text') name: string;
  @Column('text', { nullable: true }) baseUrl: string | null;
  @Column('jsonb') settings: Record<string, unknown>;
  @Column('jsonb') credentials: Record<string, string>; // each value sealed by SecretBox or an env:NAME reference
  @Column('int') pollIntervalSeconds: number;
  @Column('boolean') enabled: boolean;
  @Column('timestamptz', { nullable: true }) backfillFrom: Date | null;
  @Column('text') status: VendorAccountStatus;
  @Column('jsonb', { nullable: true }) cursor: PollCursor | null;
  @Column('timestamptz', { nullable: true }) lastSuccessAt: Date | null;
  @Column('timestamptz', { nullable: true }) lastAttemptAt: Date | null;
  @Column('text', { nullable: true }) lastError: string | null;
  @Column('timestamptz', { nullable: true }) lastErrorAt: Date | null;
  @Column('int') consecutiveFailures: number;
  @Column('timestamptz', { nullable: true }) failingSince: Date | null; // the first failed run since the last success
  @Column('text', { nullable: true }) lastErrorCode: string | null; // PollErrorClass of the last failed run
  @Column('timestamptz', { nullable: true }) failureNoticedAt: Date | null; // the operator was told of this streak (poll-notice.ts)
  @Column('bigint') eventsIngested: string;
  @Column('bigint') recordsRejected: string;
  @Column('timestamptz') nextPollAt: Date;
  @Column('int', { nullable: true }) reconcileIntervalSeconds: number | null; // null: the configured default
  @Column('int', { nullable: true }) reconcileWindowSeconds: number | null;
  @Column('timestamptz') nextReconcileAt: Date;
  @Column('jsonb', { nullable: true }) reconcileCursor: PollCursor | null; // a pass in progress
  @Column('timestamptz', { nullable: true }) reconcileStartedAt: Date | null;
  @Column('int') reconcileFound: number; // events the pass in progress stored so far
  @Column('timestamptz', { nullable: true }) lastReconciledAt: Date | null;
  @Column('int', { nullable: true }) lastReconcileMissed: number | null;
  @Column('text', { nullable: true }) leaseOwner: string | null;
  @Column('timestamptz', { nullable: true }) leaseUntil: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
