import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { DigestCadence } from './digest-period';

@Entity('digest_subscriptions')
export class DigestSubscription {
  @PrimaryColumn('uuid') customerId: string;
  @Column('uuid') organizationId: string;
  @Column('text') cadence: DigestCadence;
  @Column('smallint') dayOfWeek: number; // weekly: 1 = Monday … 7 = Sunday
  @Column('text') sendTime: string; // 'HH:MM', local
  @Column('text', { nullable: true }) timeZone: string | null; // null = the customer's
  @Column('text', { nullable: true }) locale: string | null; // null = the customer's
  @Column('text', { array: true }) recipients: string[]; // empty = the customer's emails
  @Column('boolean') skipWhenEmpty: boolean;
  @Column('text', { array: true, nullable: true }) includeKinds: string[] | null; // null = every kind
  @Column('text', { array: true }) urgentKinds: string[]; // left out of the digest: the rules pipeline sends them at once
  @Column('timestamptz', { nullable: true }) nextDueAt: Date | null;
  @Column('boolean', { default: false }) scheduleStale: boolean; // the customer's time zone changed since nextDueAt was computed
  @Column('timestamptz') activeSince: Date;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
