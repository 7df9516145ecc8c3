import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { CustomerStatus } from './fields';

@Entity('customers')
export class Customer {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') organizationId: string;
  @Column('text') externalRef: string; // the operator's own client id (e.g. WHMCS client id), unique per organization
  @Column('text') name: string;
  @Column('text', { array: true }) emails: string[];
  @Column('uuid', { nullable: true }) brandId: string | null; // no relation yet: brands come later
  @Column('text') locale: string;
  @Column('text') timeZone: string;
  @Column('text') status: CustomerStatus;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
