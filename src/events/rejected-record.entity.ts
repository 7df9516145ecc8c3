import { Column, Entity, PrimaryColumn } from 'typeorm';

// A vendor or pushed record that could not be read, kept with the reason so nothing disappears silently.
@Entity('rejected_records')
export class RejectedRecordRow {
  @PrimaryColumn('bigint') id: string;
  @Column('uuid') organizationId: string;
  @Column('uuid', { nullable: true }) vendorAccountId: string | null;
  @Column('text') source: string;
  @Column('text') resource: string;
  @Column('text', { nullable: true }) externalId: string | null;
  @Column('text') reason: string;
  @Column('jsonb', { nullable: true }) raw: unknown;
  @Column('text') recordKey: string; // external id, or 'raw:<md5 of the payload>' when it has none
  @Column('int') timesSeen: number;
  @Column('timestamptz') receivedAt: Date; // first seen
  @Column('timestamptz') lastSeenAt: Date;
}
