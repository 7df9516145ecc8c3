import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('events')
export class SecurityEvent {
  @PrimaryColumn('bigint') id: string;
  @Column('uuid') organizationId: string;
  @Column('uuid', { nullable: true }) vendorAccountId: string | null;
  @Column('text') source: string;
  @Column('text') externalId: string;
  @Column('text') kind: string;
  @Column('text') vendorType: string;
  @Column('text', { nullable: true }) classification: string | null;
  @Column('text', { nullable: true }) severity: string | null;
  @Column('smallint') severityRank: number;
  @Column('text', { nullable: true }) server: string | null;
  @Column('text', { nullable: true }) agentId: string | null;
  @Column('text', { nullable: true }) accountUser: string | null;
  @Column('text', { nullable: true }) domain: string | null;
  @Column('text', { nullable: true }) vendorSiteId: string | null;
  @Column('text', { nullable: true }) filePath: string | null;
  @Column('text', { nullable: true }) fileHash: string | null;
  @Column('text', { nullable: true }) process: string | null;
  @Column('text', { nullable: true }) threatName: string | null;
  @Column('timestamptz') occurredAt: Date;
  @Column('timestamptz') receivedAt: Date;
  @Column('uuid', { nullable: true }) customerId: string | null;
  @Column('uuid', { nullable: true }) siteId: string | null;
  @Column('text', { nullable: true }) matchRule: string | null;
  // Not loaded by lists: vendor payloads are the bulk of a row and only the detail view shows them.
  @Column('jsonb', { select: false }) raw: unknown;
}
