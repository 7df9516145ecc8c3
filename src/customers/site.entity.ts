import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

// Its match keys live in site_keys (see match-keys.ts), rewritten in the same transaction as every change here.
@Entity('sites')
export class Site {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('uuid') customerId: string;
  @Column('text', { array: true }) domains: string[];
  @Column('text', { nullable: true }) server: string | null;
  @Column('text', { nullable: true }) accountUser: string | null;
  @Column('text', { array: true }) vendorSiteIds: string[];
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
